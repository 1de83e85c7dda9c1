package io.coxswain.store;

import java.util.List;

/**
 * One page of a list.
 *
 * @param revision       the revision the page was served at
 * @param continueToken  the token for the next page, or null when this is the last one
 * @param remaining      how many more keys the following pages hold, at this revision
 */
public record ListResult(List<KeyValue> items, long revision, String continueToken, long remaining) {
}
