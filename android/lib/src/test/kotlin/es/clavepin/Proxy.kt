package es.clavepin

import java.io.InputStream
import java.io.OutputStream
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.net.URI
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.concurrent.thread

/**
 * A TCP relay on loopback in front of the service that can go silent without closing
 * anything, as a connection does when a phone moves from Wi-Fi to mobile data.
 * Frozen, it forwards nothing and accepts nothing new; thawed, it forwards again.
 */
class Proxy(target: String) : AutoCloseable {
    private val upstream = URI.create(target)
    private val server = ServerSocket(0, 50, InetAddress.getLoopbackAddress())
    private val sockets = CopyOnWriteArrayList<Socket>()
    @Volatile private var frozen = false
    val url = "http://127.0.0.1:${server.localPort}"

    init {
        thread(isDaemon = true) {
            while (!server.isClosed) {
                val client = runCatching { server.accept() }.getOrNull() ?: break
                while (frozen) Thread.sleep(10)
                val service = Socket(upstream.host, upstream.port)
                sockets += client
                sockets += service
                pump(client.getInputStream(), service.getOutputStream())
                pump(service.getInputStream(), client.getOutputStream())
            }
        }
    }

    /** Stops forwarding; open connections stay open and silent. */
    fun freeze() {
        frozen = true
    }

    /** Forwards again (connections that went silent were given up by the client). */
    fun thaw() {
        frozen = false
    }

    private fun pump(from: InputStream, to: OutputStream) = thread(isDaemon = true) {
        val buffer = ByteArray(8192)
        runCatching {
            while (true) {
                val n = from.read(buffer)
                if (n < 0) break
                while (frozen) Thread.sleep(10)
                to.write(buffer, 0, n)
                to.flush()
            }
        }
        runCatching { to.close() }
    }

    override fun close() {
        server.close()
        sockets.forEach { runCatching { it.close() } }
    }
}
