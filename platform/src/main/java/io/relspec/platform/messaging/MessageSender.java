package io.relspec.platform.messaging;

import io.relspec.contracts.messaging.RelspecMessage;
import java.util.concurrent.CompletionStage;

/** Sends one message; the stage completes when the broker (or in-process consumer) has it. */
@FunctionalInterface
public interface MessageSender {
  CompletionStage<Void> send(RelspecMessage message);
}
