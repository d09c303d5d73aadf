/**
 * Settle testkit: deterministic simulation, fault injection, invariant checks and seeded
 * generators, for Settle's own tests and for users checking their participants against the fault
 * model. A test dependency: nothing in the library modules needs it at run time.
 */
module dev.settle.testkit {
  // Scenarios, participants and logs in the testkit's API are the protocol modules' types.
  requires transitive dev.settle.core;
  requires transitive dev.settle.twopc;
  requires transitive dev.settle.tcc;
  requires transitive dev.settle.saga;
  requires transitive dev.settle.jdbc;
  // FaultProxy: a loopback HTTP proxy on the JDK's own client and server.
  requires jdk.httpserver;
  requires java.net.http;

  exports dev.settle.testkit;
  exports dev.settle.testkit.http;
}
