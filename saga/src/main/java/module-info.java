/** Linear sagas: ordered steps, each with a compensation, run forward and undone in reverse. */
module dev.settle.saga {
  requires transitive dev.settle.core;
  requires org.slf4j;

  exports dev.settle.saga;
  exports dev.settle.saga.spi;
}
