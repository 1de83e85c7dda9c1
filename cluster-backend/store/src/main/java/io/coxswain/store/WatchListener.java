package io.coxswain.store;

/** Receives a watch's events in revision order, from one thread at a time. */
public interface WatchListener {

    void onEvent(WatchEvent event);

    /** The watch ended with an error and delivers nothing more. */
    void onError(StoreException error);
}
