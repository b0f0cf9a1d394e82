package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.testing.TestBroker;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sluice acls add|list|remove} against a broker with the authorizer on (the CLI's plaintext
 * connection is {@code User:ANONYMOUS}, a super user here), and the refusal of a broker without
 * one.
 */
@Timeout(120)
class AclsCliIT {
  private TestBroker broker;

  @BeforeEach
  void start() {
    broker =
        TestBroker.start(
            Map.of(
                "authorizer.class.name",
                "kafka.security.authorizer.AclAuthorizer",
                "super.users",
                "User:ANONYMOUS"));
  }

  @AfterEach
  void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  private CliRunner.Run sluice(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--bootstrap-server";
    all[args.length + 1] = broker.bootstrap();
    return CliRunner.run(all);
  }

  @Test
  void addListRemove() {
    CliRunner.Run added =
        sluice(
            "acls",
            "add",
            "--topic",
            "sales-",
            "--pattern-type",
            "prefixed",
            "--principal",
            "User:alice",
            "--operation",
            "read,write");
    assertEquals(0, added.exitCode(), added.err());
    assertTrue(added.out().startsWith("added 2 ACL(s)"), added.out());
    assertEquals(
        0,
        sluice("acls", "add", "--group", "app", "--principal", "User:alice", "--operation", "READ")
            .exitCode());
    assertEquals(
        0,
        sluice(
                "acls",
                "add",
                "--cluster",
                "--principal",
                "User:*",
                "--host",
                "10.0.0.9",
                "--operation",
                "ALTER",
                "--deny")
            .exitCode());

    CliRunner.Run all = sluice("acls", "list");
    assertEquals(0, all.exitCode(), all.err());
    assertEquals(
        "RESOURCE-TYPE\tNAME\tPATTERN\tPRINCIPAL\tHOST\tOPERATION\tPERMISSION\n"
            + "CLUSTER\tkafka-cluster\tLITERAL\tUser:*\t10.0.0.9\tALTER\tDENY\n"
            + "GROUP\tapp\tLITERAL\tUser:alice\t*\tREAD\tALLOW\n"
            + "TOPIC\tsales-\tPREFIXED\tUser:alice\t*\tREAD\tALLOW\n"
            + "TOPIC\tsales-\tPREFIXED\tUser:alice\t*\tWRITE\tALLOW\n",
        all.out().replace("\r\n", "\n"));

    CliRunner.Run applying =
        sluice("acls", "list", "--topic", "sales-eu", "--pattern-type", "match");
    assertEquals(3, applying.out().split("\n").length, applying.out());

    CliRunner.Run removed =
        sluice(
            "acls",
            "remove",
            "--topic",
            "sales-",
            "--pattern-type",
            "prefixed",
            "--principal",
            "User:alice",
            "--operation",
            "WRITE");
    assertEquals(0, removed.exitCode(), removed.err());
    assertTrue(removed.out().startsWith("removed 1 ACL(s)"), removed.out());
    assertEquals(
        0, sluice("acls", "remove", "--group", "app").exitCode(), "every ACL of the group");
    CliRunner.Run left = sluice("acls", "list", "--principal", "User:alice");
    assertEquals(
        "RESOURCE-TYPE\tNAME\tPATTERN\tPRINCIPAL\tHOST\tOPERATION\tPERMISSION\n"
            + "TOPIC\tsales-\tPREFIXED\tUser:alice\t*\tREAD\tALLOW\n",
        left.out().replace("\r\n", "\n"));
  }

  @Test
  void unknownOperation_usageErrorNamingIt() {
    CliRunner.Run run =
        sluice("acls", "add", "--topic", "t", "--principal", "User:a", "--operation", "FLY");
    assertEquals(ExitCode.USAGE, run.exitCode(), run.out());
    assertTrue(run.err().contains("FLY"), run.err());
  }
}
