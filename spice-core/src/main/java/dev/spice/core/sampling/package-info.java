/**
 * The SDK's token sampling scheme, shared by every backend so that the same logits, settings and
 * seed draw the same tokens whichever backend computed the logits.
 */
package dev.spice.core.sampling;
