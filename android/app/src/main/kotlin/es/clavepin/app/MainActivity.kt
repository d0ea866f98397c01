package es.clavepin.app

import android.Manifest
import android.app.Application
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Build
import android.os.Bundle
import android.view.WindowManager
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.activity.result.contract.ActivityResultContracts
import androidx.activity.viewModels
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import es.clavepin.app.ui.ClavePinScreens
import es.clavepin.app.ui.ClavePinTheme
import es.clavepin.screens.CitizenApp
import es.clavepin.screens.Notice

/** Holds the app's screens across rotations; the core decides them. */
class AppViewModel(application: Application) : AndroidViewModel(application) {
    private val clavePin = application as ClavePinApplication
    val device get() = clavePin.device
    val screens = CitizenApp(clavePin.device, viewModelScope, { clavePin.locale })

    init {
        val setAside = clavePin.storeSetAside
        clavePin.storeSetAside = false
        screens.home(if (setAside) Notice.Said(application.getString(R.string.notice_set_aside)) else null)
    }
}

class MainActivity : ComponentActivity() {
    private val model: AppViewModel by viewModels()
    private val askNotifications = registerForActivityResult(ActivityResultContracts.RequestPermission()) {}

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU &&
            checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED
        ) {
            askNotifications.launch(Manifest.permission.POST_NOTIFICATIONS)
        }
        if (savedInstanceState == null) openLink(intent)
        setContent {
            ClavePinTheme {
                // Answered from the log-in page's link: back to the browser that opened it.
                ClavePinScreens(model.screens, model.device, keepSecret = ::keepSecret, answeredFromLink = { moveTaskToBack(true) })
            }
        }
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        openLink(intent)
    }

    /** The log-in page's link into the app (an app link, verified for the service's host). */
    private fun openLink(intent: Intent?) {
        val link = intent?.takeIf { it.action == Intent.ACTION_VIEW }?.data ?: return
        val service = Uri.parse(BuildConfig.SERVICE_URL)
        if (link.scheme == "https" && link.host == service.host && link.path == "/approve") {
            model.screens.openApprovalLink(link.toString())
        }
    }

    /**
     * While a PIN is on screen, the window is kept out of screenshots, screen
     * recordings and the recent-apps thumbnail.
     */
    private fun keepSecret(secret: Boolean) {
        if (secret) {
            window.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
        } else {
            window.clearFlags(WindowManager.LayoutParams.FLAG_SECURE)
        }
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) setRecentsScreenshotEnabled(!secret)
    }

    override fun onStop() {
        super.onStop()
        // Out of sight, every citizen is locked: the pattern is asked for again.
        if (!isChangingConfigurations) model.screens.lockAll()
    }
}
