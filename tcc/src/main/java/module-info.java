/** Try-Confirm/Cancel: the coordinator, its participant SPI and the branch fence. */
module dev.settle.tcc {
  requires transitive dev.settle.core;
  requires static java.sql;
  requires org.slf4j;

  exports dev.settle.tcc;
  exports dev.settle.tcc.spi;
  exports dev.settle.tcc.fence;
}
