package ledger.embedded;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoThreadFactory;
import de.bwaldvogel.mongo.wire.MongoDatabaseHandler;
import de.bwaldvogel.mongo.wire.MongoExceptionHandler;
import de.bwaldvogel.mongo.wire.MongoWireProtocolHandler;
import de.bwaldvogel.mongo.wire.MongoWireReplyEncoder;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.MessageToByteEncoder;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * mongo-java-server's network side ({@code MongoServer}), with its own writer of replies ({@link Replies}): the
 * library's writes each reply through its generic BSON encoder into a buffer that starts at 256 bytes and is
 * copied as it doubles, several times for a cursor's batch of megabytes. The handlers that read requests and
 * run them are the library's.
 */
final class WireServer {

    private final MongoBackend backend;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ChannelGroup clients;
    private Channel listening;

    WireServer(MongoBackend backend) {
        this.backend = backend;
    }

    void bind(InetSocketAddress address, int workerThreads) {
        boss = new NioEventLoopGroup(1, new MongoThreadFactory("mongo-server-boss"));
        workers = new NioEventLoopGroup(workerThreads, new MongoThreadFactory("mongo-server-worker"));
        clients = new DefaultChannelGroup("mongodb-channels", workers.next());
        try {
            listening = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 100)
                    .localAddress(address)
                    .childOption(ChannelOption.TCP_NODELAY, Boolean.TRUE)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        public void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new MongoWireReplyEncoder());
                            channel.pipeline().addLast(new Replies());
                            channel.pipeline().addLast(new MongoWireProtocolHandler());
                            channel.pipeline().addLast(new MongoDatabaseHandler(backend, clients));
                            channel.pipeline().addLast(new MongoExceptionHandler());
                        }
                    })
                    .bind().syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutdown();
            throw e;
        }
    }

    InetSocketAddress address() {
        return listening == null ? null : (InetSocketAddress) listening.localAddress();
    }

    /** Stops listening, closes the clients' connections and waits for the network threads to end. */
    void shutdown() {
        if (listening != null) {
            listening.close().syncUninterruptibly();
            listening = null;
        }
        if (clients != null) {
            clients.close().syncUninterruptibly();
        }
        for (EventLoopGroup group : new EventLoopGroup[] {boss, workers}) {
            if (group != null) {
                group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    /** Writes an OP_MSG reply as mongo-java-server's {@code MongoWireMessageEncoder} does, with {@link Bson}. */
    static final class Replies extends MessageToByteEncoder<MongoMessage> {
        private static final int SMALLEST = 256;
        /** About the size of this connection's recent replies, so a reply's buffer seldom has to grow. */
        private int expected = SMALLEST;

        @Override
        protected ByteBuf allocateBuffer(ChannelHandlerContext context, MongoMessage message, boolean preferDirect) {
            return preferDirect ? context.alloc().ioBuffer(expected) : context.alloc().heapBuffer(expected);
        }

        @Override
        protected void encode(ChannelHandlerContext context, MongoMessage message, ByteBuf out) {
            int start = out.writerIndex();
            out.writeIntLE(0);
            out.writeIntLE(message.getHeader().getRequestID());
            out.writeIntLE(message.getHeader().getResponseTo());
            out.writeIntLE(de.bwaldvogel.mongo.wire.OpCode.OP_MSG.getId());
            out.writeIntLE(message.getFlags());
            out.writeByte(MongoMessage.SECTION_KIND_BODY);
            try {
                Bson.writeDocument(message.getDocument(), out);
            } catch (RuntimeException e) {
                context.channel().close();
                throw e;
            }
            int size = out.writerIndex() - start;
            out.setIntLE(start, size);
            // a large reply is followed by small ones as often as by large ones: the estimate shrinks by a quarter a reply
            expected = Math.max(SMALLEST, Math.max(size + 64, expected - expected / 4));
        }
    }
}
