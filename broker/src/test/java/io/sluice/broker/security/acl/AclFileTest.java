package io.sluice.broker.security.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single-node ACL file: survives reopening, replaced whole, refuses a corrupt file. */
class AclFileTest {
  @TempDir Path dir;

  private static final ResourcePattern GROUP_WITH_SPACES =
      new ResourcePattern(ResourceType.GROUP, "team a/\"b\"", PatternType.LITERAL);
  private static final ResourcePattern PREFIX =
      new ResourcePattern(ResourceType.TOPIC, "sales-", PatternType.PREFIXED);
  private static final AccessControlEntry READ =
      new AccessControlEntry(
          "User:CN=app,O=Sluice Test", "*", AclOperation.READ, AclPermissionType.ALLOW);
  private static final AccessControlEntry DENY =
      new AccessControlEntry("User:*", "10.1.2.3", AclOperation.ALL, AclPermissionType.DENY);

  @Test
  void update_thenReopen_sameAcls() throws Exception {
    AclFile file = AclFile.open(dir);
    assertEquals(Map.of(), file.load().acls());
    Map<ResourcePattern, UnaryOperator<Set<AccessControlEntry>>> changes =
        Map.of(GROUP_WITH_SPACES, s -> Set.of(READ, DENY), PREFIX, s -> Set.of(READ));
    AclState after = file.update(changes);
    assertEquals(Set.of(READ, DENY), after.acls().get(GROUP_WITH_SPACES));

    AclFile reopened = AclFile.open(dir);
    assertEquals(after.acls(), reopened.load().acls());
    String json = Files.readString(dir.resolve(AclFile.FILE_NAME));
    assertTrue(json.contains("\"operation\":\"Read\""), json);
    assertTrue(json.contains("\"patternType\":\"Prefixed\""), json);
    assertFalse(Files.exists(dir.resolve(AclFile.FILE_NAME + ".tmp")), "temp file renamed");

    reopened.update(Map.of(GROUP_WITH_SPACES, s -> Set.of()));
    assertEquals(Set.of(PREFIX), AclFile.open(dir).load().acls().keySet());
  }

  @Test
  void corruptFile_refusedNamingIt() throws Exception {
    Files.write(
        dir.resolve(AclFile.FILE_NAME), "{\"version\":1,\"resou".getBytes(StandardCharsets.UTF_8));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AclFile.open(dir));
    assertTrue(e.getMessage().contains(AclFile.FILE_NAME), e.getMessage());
  }

  @Test
  void znodeShape_isKafkas() {
    byte[] json = AclJson.entries(Set.of(DENY));
    assertEquals(
        "{\"version\":1,\"acls\":[{\"principal\":\"User:*\",\"permissionType\":\"Deny\","
            + "\"operation\":\"All\",\"host\":\"10.1.2.3\"}]}",
        new String(json, StandardCharsets.UTF_8));
    assertEquals(Set.of(DENY), AclJson.entries(json, "test"));
  }
}
