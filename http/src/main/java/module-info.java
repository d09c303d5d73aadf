/**
 * Remote TCC participants and saga steps over HTTP: the caller side on the JDK's {@code
 * java.net.http.HttpClient}, the participant side as a framework-neutral handler with an adapter
 * for the JDK's built-in {@code com.sun.net.httpserver}.
 */
module dev.settle.http {
  requires transitive dev.settle.core;
  requires transitive dev.settle.tcc;
  requires transitive dev.settle.saga;
  requires transitive java.net.http;
  requires transitive jdk.httpserver;
  requires org.slf4j;
  // Only for participants and steps fenced in a database; an application without JDBC never
  // loads those classes.
  requires static java.sql;

  exports dev.settle.http;
}
