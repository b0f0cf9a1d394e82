package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AccessControlEntry;
import io.sluice.broker.security.acl.AclBinding;
import io.sluice.broker.security.acl.AclBindingFilter;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.security.acl.AclPermissionType;
import io.sluice.broker.security.acl.PatternType;
import io.sluice.broker.security.acl.ResourcePattern;
import io.sluice.broker.security.acl.ResourceType;
import io.sluice.protocol.message.CreateAclsRequest;
import io.sluice.protocol.message.DeleteAclsRequest;
import io.sluice.protocol.message.DescribeAclsRequest;

/** Wire fields of the ACL APIs to the authorizer's model. Stateless. */
final class AclMessages {
  private AclMessages() {}

  static AclBinding binding(CreateAclsRequest.AclCreation c) {
    return new AclBinding(
        new ResourcePattern(
            ResourceType.forCode(c.resourceType()),
            c.resourceName() == null ? "" : c.resourceName(),
            PatternType.forCode(c.resourcePatternType())),
        new AccessControlEntry(
            c.principal() == null ? "" : c.principal(),
            c.host() == null ? "" : c.host(),
            AclOperation.forCode(c.operation()),
            AclPermissionType.forCode(c.permissionType())));
  }

  static AclBindingFilter filter(DescribeAclsRequest r) {
    return new AclBindingFilter(
        ResourceType.forCode(r.resourceTypeFilter()),
        r.resourceNameFilter(),
        PatternType.forCode(r.patternTypeFilter()),
        r.principalFilter(),
        r.hostFilter(),
        AclOperation.forCode(r.operation()),
        AclPermissionType.forCode(r.permissionType()));
  }

  static AclBindingFilter filter(DeleteAclsRequest.DeleteAclsFilter f) {
    return new AclBindingFilter(
        ResourceType.forCode(f.resourceTypeFilter()),
        f.resourceNameFilter(),
        PatternType.forCode(f.patternTypeFilter()),
        f.principalFilter(),
        f.hostFilter(),
        AclOperation.forCode(f.operation()),
        AclPermissionType.forCode(f.permissionType()));
  }
}
