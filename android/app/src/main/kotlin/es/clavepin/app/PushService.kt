package es.clavepin.app

import com.google.firebase.messaging.FirebaseMessagingService
import com.google.firebase.messaging.RemoteMessage
import kotlinx.coroutines.runBlocking

/**
 * FCM's entry point, and all of Firebase in the app: what it hands over goes to the
 * library's [es.clavepin.android.PushEntry] unchanged. FCM calls these on a
 * background thread and gives each about 20 seconds, so blocking here is expected.
 */
class PushService : FirebaseMessagingService() {
    private val app get() = application as ClavePinApplication

    override fun onMessageReceived(message: RemoteMessage) {
        runBlocking { app.push.onMessage(message.data) }
    }

    override fun onNewToken(token: String) {
        runBlocking { app.push.onNewToken(token) }
    }
}
