package io.sluice.broker.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The principal of a connection, as Kafka's default principal builder names it: {@code
 * User:<subject>} with the client certificate's distinguished name (RFC 2253, e.g. {@code
 * User:CN=app,O=example}) on a TLS connection whose client presented a certificate, and {@code
 * User:ANONYMOUS} otherwise. Set on the channel ({@link #KEY}) when the TLS handshake completes, so
 * every request of the connection carries it (for an authorizer to come); this handler then removes
 * itself. Before the handshake nothing reaches the request decoder, so no request is ever seen
 * without its principal. One instance per connection; event-loop confined.
 */
final class TlsPrincipal extends ChannelInboundHandlerAdapter {
  static final AttributeKey<String> KEY = AttributeKey.valueOf("sluice.principal");
  static final String ANONYMOUS = "User:ANONYMOUS";

  /** The connection's principal: {@link #ANONYMOUS} until (or without) a client certificate. */
  static String of(Channel channel) {
    String principal = channel.attr(KEY).get();
    return principal != null ? principal : ANONYMOUS;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
      SslHandler ssl = ctx.pipeline().get(SslHandler.class);
      String principal = ANONYMOUS;
      try {
        principal = "User:" + ssl.engine().getSession().getPeerPrincipal().getName();
      } catch (SSLPeerUnverifiedException e) {
        // no client certificate (ssl.client.auth none or requested)
      }
      ctx.channel().attr(KEY).set(principal);
      ctx.pipeline().remove(this);
    }
    ctx.fireUserEventTriggered(event);
  }
}
