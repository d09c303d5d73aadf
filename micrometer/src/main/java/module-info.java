/**
 * Micrometer meters for Settle: coordinators, their events and their logs, under Micrometer's
 * naming conventions. Depends on core and micrometer-core only.
 */
module dev.settle.micrometer {
  requires transitive dev.settle.core;
  requires transitive micrometer.core;
  requires transitive micrometer.observation;

  exports dev.settle.micrometer;
}
