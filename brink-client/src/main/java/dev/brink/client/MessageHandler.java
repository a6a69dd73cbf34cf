package dev.brink.client;

import dev.brink.core.message.Message;

/**
 * Handles a C2D message or a module input message. The client acknowledges the message (PUBACK) after this
 * method returns — also when it throws, since an exception is an application bug and redelivering would repeat
 * it forever. If the process dies first, the server redelivers the message after the next connect.
 */
@FunctionalInterface
public interface MessageHandler {
    void onMessage(Message message) throws Exception;
}
