package dev.reasoningrouter.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Keeps a keep-alive connection listening after every response it sends.
 *
 * <p>Why: Reactor Netty (1.3.6, the version Spring Boot 4.0.7 brings) reads a connection on demand. A request that
 * arrives before the previous exchange has finished is queued and replayed when that exchange ends; if the replayed
 * exchange ends synchronously, inside the replay, no further read is ever asked for, and the client's next request on
 * that connection waits forever (reactor/reactor-netty#4361, fixed after the releases served here). Clients that reuse
 * connections quickly (the JDK's HttpClient, the OpenAI SDKs) hit it after an asynchronous answer (a proxied chat, a
 * batch lookup) followed by an immediate one (a 405, a 401): in the end-to-end suite a request hung for a minute, and
 * one sequence in twenty hung in a loop. Asking for one more read when a response's last part is written costs
 * nothing when a read is already pending (Netty keeps one pending read, satisfied by the next bytes) and restores
 * reading when none is. Remove when Reactor Netty is upgraded past the fix and {@code KeepAliveConnectionTest} still
 * passes without it.
 */
public final class KeepAliveReads extends ChannelOutboundHandlerAdapter {
    static final String NAME = "rr.keepAliveReads";

    /** Adds the handler behind Reactor Netty's HTTP/1.1 traffic handler on every new connection. */
    public static HttpServer install(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remote) -> addTo(channel.pipeline()));
    }

    static void addTo(ChannelPipeline pipeline) {
        // HTTP/2 connections have no traffic handler (and no such stall): leave them as they are
        if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null) {
            pipeline.addAfter(NettyPipeline.HttpTrafficHandler, NAME, new KeepAliveReads());
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean last = msg instanceof LastHttpContent;
        ctx.write(msg, promise);
        if (last) {
            ctx.read();
        }
    }
}
