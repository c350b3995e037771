package dev.spice.remote;

/**
 * Counters of one {@link RemotePolicy} since it was built: an immutable snapshot.
 *
 * @param requests HTTP requests sent, retries included
 * @param retries requests sent again after a transient failure (connection error, timeout, HTTP
 *     429 or 5xx)
 * @param completions completions returned by {@link RemotePolicy#generate}
 * @param tokenIdFallbacks completions whose reply carried no {@code token_ids}, so their token ids
 *     were recovered from {@code logprobs.tokens} in {@code token_id:N} form or by tokenizing
 *     the text (see the module README); non-zero means the server ignores
 *     {@code return_token_ids}
 */
public record RemoteStats(long requests, long retries, long completions, long tokenIdFallbacks) {}
