package dev.settle.spring.boot;

import dev.settle.core.event.TransactionListener;
import java.util.List;

/**
 * Listeners that need to know which coordinator they listen to (meters tagged by protocol). Every
 * bean of this type is asked once per coordinator; plain {@link TransactionListener} beans are
 * added to every coordinator as they are.
 */
@FunctionalInterface
public interface ProtocolListeners {
  /** The listeners for the coordinator of {@code protocol} ({@code "tcc"}, {@code "saga"}, {@code "2pc"}). */
  List<TransactionListener> forProtocol(String protocol);
}
