package io.sluice.client.internal;

/** A broker as metadata names it. Bootstrap addresses get negative ids until metadata is known. */
record Node(int id, String host, int port) {
  String address() {
    return host + ":" + port;
  }
}
