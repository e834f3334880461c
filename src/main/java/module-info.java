/** panama-ipc. */
module org.panamaipc {
    exports org.panamaipc;
}
