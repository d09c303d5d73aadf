/** Two-phase commit: the coordinator, its participant SPI, and an adapter for XA resources. */
module dev.settle.twopc {
  requires transitive dev.settle.core;
  requires transitive java.transaction.xa;
  requires org.slf4j;

  exports dev.settle.twopc;
  exports dev.settle.twopc.spi;
  exports dev.settle.twopc.xa;
}
