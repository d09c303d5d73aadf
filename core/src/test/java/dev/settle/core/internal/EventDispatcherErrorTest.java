package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.event.TransactionListener;
import dev.settle.core.ManualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which listener failures the dispatcher isolates (issue 13, defect 8). */
class EventDispatcherErrorTest {
  private final TransactionId tx = TransactionId.of("t");
  private final List<TransactionEvent> heard = new ArrayList<>();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private EventDispatcher dispatcher(TransactionListener broken) {
    return new EventDispatcher(new ManualClock(1_000), List.of(broken, heard::add));
  }

  @Test
  void errorsAndCheckedExceptionsFromAListenerAreIsolated() {
    List<Throwable> failures =
        List.of(
            new AssertionError("assert in a listener"),
            new StackOverflowError(),
            new NoClassDefFoundError("Missing"),
            new Exception("sneaky checked"));
    for (Throwable failure : failures) {
      dispatcher(e -> sneakyThrow(failure)).publish(tx, EventType.DECIDED_COMMIT, "");
    }
    assertThat(heard).hasSize(failures.size());
  }

  @Test
  void anInterruptedListenerKeepsTheThreadsInterruptFlag() {
    dispatcher(e -> sneakyThrow(new InterruptedException("listener was interrupted")))
        .publish(tx, EventType.DECIDED_COMMIT, "");
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(heard).hasSize(1);
  }

  @Test
  void aFailingVirtualMachinePropagates() {
    // Out of memory is the process failing, not the listener: like a crash, recovery finishes.
    EventDispatcher dispatcher = dispatcher(e -> sneakyThrow(new OutOfMemoryError("heap")));
    assertThatThrownBy(() -> dispatcher.publish(tx, EventType.DECIDED_COMMIT, ""))
        .isInstanceOf(OutOfMemoryError.class);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }
}
