/** Console progress display for self-play runs: {@link dev.spice.examples.progress.ProgressBar}. */
package dev.spice.examples.progress;
