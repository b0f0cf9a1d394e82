package io.sluice.cli;

import io.sluice.client.AclBinding;
import io.sluice.client.AclFilter;
import io.sluice.client.Admin;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice acls list|add|remove}: the broker's ACLs through CreateAcls, DescribeAcls and
 * DeleteAcls (the same APIs as Kafka's {@code kafka-acls}), with Kafka's names for resource types,
 * pattern types, operations and permissions.
 */
@Command(
    name = "acls",
    mixinStandardHelpOptions = true,
    description = "List, add and remove ACLs (the broker needs authorizer.class.name).",
    subcommands = {AclsCommand.ListAcls.class, AclsCommand.Add.class, AclsCommand.Remove.class})
final class AclsCommand {
  private AclsCommand() {}

  private static Admin admin(CommonOptions common) {
    return new Admin(
        common.bootstrapServer, Duration.ofMillis(common.timeoutMs), common.security());
  }

  /** The resource: exactly one of topic, group, cluster, transactional id. */
  static final class Resource {
    @Option(names = "--topic", paramLabel = "NAME", description = "A topic (or prefix).")
    String topic;

    @Option(names = "--group", paramLabel = "NAME", description = "A consumer group (or prefix).")
    String group;

    @Option(names = "--cluster", description = "The cluster resource (kafka-cluster).")
    boolean cluster;

    @Option(
        names = "--transactional-id",
        paramLabel = "ID",
        description = "A transactional id (or prefix).")
    String transactionalId;

    String type() {
      return topic != null
          ? "TOPIC"
          : group != null ? "GROUP" : cluster ? "CLUSTER" : "TRANSACTIONAL_ID";
    }

    String name() {
      return topic != null
          ? topic
          : group != null ? group : cluster ? "kafka-cluster" : transactionalId;
    }
  }

  /** Who and what, shared by add and remove. */
  static final class Entry {
    @Option(
        names = "--principal",
        paramLabel = "PRINCIPAL",
        description = "User:<name>, or User:* for everyone.")
    String principal;

    @Option(
        names = "--host",
        paramLabel = "HOST",
        description = "Client IP address, or * (add: default *).")
    String host;

    @Option(
        names = "--operation",
        paramLabel = "OP",
        split = ",",
        description =
            "READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS,"
                + " ALTER_CONFIGS, IDEMPOTENT_WRITE or ALL; repeat or separate with commas.")
    List<String> operations = new ArrayList<>();

    @Option(names = "--deny", description = "A DENY (default: ALLOW).")
    boolean deny;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List ACLs: every one, or those of a resource or principal.")
  static final class ListAcls implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @ArgGroup(exclusive = true)
    Resource resource;

    @Option(
        names = "--pattern-type",
        paramLabel = "TYPE",
        defaultValue = "ANY",
        description =
            "LITERAL, PREFIXED, ANY (the name exactly, any pattern type) or MATCH (every ACL that"
                + " applies to that resource); default ${DEFAULT-VALUE}.")
    String patternType;

    @Option(names = "--principal", paramLabel = "PRINCIPAL", description = "Only this principal.")
    String principal;

    ListAcls(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      AclFilter filter =
          new AclFilter(
              resource == null ? null : resource.type(),
              resource == null ? null : resource.name(),
              patternType,
              principal,
              null,
              null,
              null);
      try (Admin admin = admin(common)) {
        print(terminal.out(), admin.describeAcls(filter));
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add ACLs: for the principal, one per operation on the resource.")
  static final class Add implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Resource resource;

    @Option(
        names = "--pattern-type",
        paramLabel = "TYPE",
        defaultValue = "LITERAL",
        description = "LITERAL or PREFIXED (default ${DEFAULT-VALUE}).")
    String patternType;

    @Mixin Entry entry;

    Add(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      if (entry.principal == null || entry.operations.isEmpty()) {
        throw new IllegalArgumentException("add needs --principal and at least one --operation");
      }
      List<AclBinding> bindings = new ArrayList<>();
      for (String op : entry.operations) {
        bindings.add(
            new AclBinding(
                resource.type(),
                resource.name(),
                patternType.toUpperCase(Locale.ROOT),
                entry.principal,
                entry.host == null ? "*" : entry.host,
                op.toUpperCase(Locale.ROOT),
                entry.deny ? "DENY" : "ALLOW"));
      }
      try (Admin admin = admin(common)) {
        admin.createAcls(bindings);
      }
      terminal.out().printf("added %d ACL(s)%n", bindings.size());
      print(terminal.out(), bindings);
      return ExitCode.OK;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description =
          "Remove the ACLs of a resource, narrowed by principal, host, operation and permission.")
  static final class Remove implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Resource resource;

    @Option(
        names = "--pattern-type",
        paramLabel = "TYPE",
        defaultValue = "LITERAL",
        description = "LITERAL, PREFIXED or ANY (default ${DEFAULT-VALUE}).")
    String patternType;

    @Mixin Entry entry;

    Remove(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      List<String> operations = entry.operations.isEmpty() ? List.of("ANY") : entry.operations;
      List<AclBinding> removed = new ArrayList<>();
      try (Admin admin = admin(common)) {
        for (String op : operations) {
          removed.addAll(
              admin.deleteAcls(
                  new AclFilter(
                      resource.type(),
                      resource.name(),
                      patternType,
                      entry.principal,
                      entry.host,
                      op,
                      entry.deny ? "DENY" : entry.principal == null ? null : "ALLOW")));
        }
      }
      terminal.out().printf("removed %d ACL(s)%n", removed.size());
      print(terminal.out(), removed);
      return ExitCode.OK;
    }
  }

  /** One line per ACL, sorted, tab-separated columns under a header. */
  static void print(PrintWriter out, List<AclBinding> bindings) {
    List<AclBinding> sorted = new ArrayList<>(bindings);
    sorted.sort(
        Comparator.comparing(AclBinding::resourceType)
            .thenComparing(AclBinding::resourceName)
            .thenComparing(AclBinding::patternType)
            .thenComparing(AclBinding::principal)
            .thenComparing(AclBinding::operation)
            .thenComparing(AclBinding::permission)
            .thenComparing(AclBinding::host));
    out.println("RESOURCE-TYPE\tNAME\tPATTERN\tPRINCIPAL\tHOST\tOPERATION\tPERMISSION");
    for (AclBinding b : sorted) {
      out.printf(
          "%s\t%s\t%s\t%s\t%s\t%s\t%s%n",
          b.resourceType(),
          b.resourceName(),
          b.patternType(),
          b.principal(),
          b.host(),
          b.operation(),
          b.permission());
    }
  }
}
