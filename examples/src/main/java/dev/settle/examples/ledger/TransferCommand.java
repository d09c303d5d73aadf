package dev.settle.examples.ledger;

/**
 * An intent from outside: "move this much from here to there". It may be invalid; the ledger
 * validates it before turning it into an event.
 *
 * @param from the account to debit, by name
 * @param to the account to credit, by name
 * @param cents how much
 * @param timeMillis when it was received
 */
public record TransferCommand(String from, String to, long cents, long timeMillis) {}
