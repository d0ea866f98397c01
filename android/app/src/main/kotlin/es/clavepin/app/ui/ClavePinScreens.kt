package es.clavepin.app.ui

import androidx.activity.compose.BackHandler
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.Surface
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import es.clavepin.app.R
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.screens.AppScreen
import es.clavepin.screens.CitizenApp
import es.clavepin.screens.Notice

/**
 * Draws the screen [screens] decides; every button calls back into it. [keepSecret]
 * keeps the window out of screenshots while a PIN shows; [answeredFromLink] runs once
 * an approval the log-in page's link opened is answered, to go back to the browser.
 */
@Composable
fun ClavePinScreens(
    screens: CitizenApp,
    device: ClavePinDevice,
    keepSecret: (Boolean) -> Unit,
    answeredFromLink: () -> Unit = {},
) {
    val screen by screens.screen.collectAsStateWithLifecycle()
    val busy by screens.busy.collectAsStateWithLifecycle()
    val notice = (screen as? AppScreen.Pins)?.notice
    LaunchedEffect(notice) {
        val fromLink = (notice as? Notice.Approved)?.fromLink ?: (notice as? Notice.ApprovalRefused)?.fromLink
        if (fromLink == true) answeredFromLink()
    }
    val secret = screen is AppScreen.Pins
    DisposableEffect(secret) {
        keepSecret(secret)
        onDispose { keepSecret(false) }
    }
    BackHandler(enabled = screen !is AppScreen.Home) { screens.back() }
    Surface(Modifier.fillMaxSize()) {
        Box(Modifier.safeDrawingPadding().padding(16.dp)) {
            when (val shown = screen) {
                is AppScreen.Home -> HomeScreen(shown, busy, device, screens)
                is AppScreen.EnterDocument -> DocumentScreen(shown, busy, screens)
                is AppScreen.EnterCode -> CodeScreen(shown, busy, device, screens)
                is AppScreen.NewPattern -> NewPatternScreen(shown, busy, screens)
                is AppScreen.Unlock -> UnlockScreen(shown, busy, device, screens)
                is AppScreen.Pins -> PinScreen(shown, device, screens)
                is AppScreen.History -> HistoryScreen(shown)
                is AppScreen.ChangePattern -> ChangePatternScreen(shown, busy, screens)
                AppScreen.NewPhone -> NewPhoneScreen()
                is AppScreen.ScanApproval -> ScanApprovalScreen(shown, busy, screens)
                is AppScreen.ConfirmApproval -> ConfirmApprovalScreen(shown, busy, device, screens)
            }
            if (busy) {
                val working = stringResource(R.string.busy)
                LinearProgressIndicator(
                    Modifier.align(Alignment.TopCenter).semantics { contentDescription = working },
                )
            }
        }
    }
}
