package io.sluice.cli;

import java.io.InputStream;
import java.io.PrintWriter;

/**
 * Where a command reads its input and writes its output and errors. Injected, so that tests run
 * commands exactly as a user would and read back what they printed.
 */
record Terminal(InputStream in, PrintWriter out, PrintWriter err) {}
