/** The examples, as a named module that requires the library like any application would. */
module org.panamaipc.examples {
    requires org.panamaipc;
}
