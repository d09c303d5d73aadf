package dev.settle.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A test saga step service: an account that the action debits and the compensation credits. */
class Steps implements StepService {
  private final String name;
  final AtomicInteger actions = new AtomicInteger();
  final AtomicInteger compensations = new AtomicInteger();
  final AtomicLong balance = new AtomicLong(100);
  volatile boolean refuse;
  volatile boolean failCompensations;

  Steps(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void action(StepCall call) {
    if (refuse) {
      throw new IllegalStateException(name + " refuses");
    }
    actions.incrementAndGet();
    balance.addAndGet(-amount(call));
  }

  @Override
  public void compensate(StepCall call) {
    if (failCompensations) {
      throw new IllegalStateException(name + " cannot compensate now");
    }
    compensations.incrementAndGet();
    balance.addAndGet(amount(call));
  }

  private static long amount(StepCall call) {
    byte[] p = call.payload();
    return p.length == 0 ? 10 : Long.parseLong(new String(p, java.nio.charset.StandardCharsets.UTF_8));
  }
}
