package es.clavepin.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import es.clavepin.ChannelEvent
import es.clavepin.RequestId
import es.clavepin.ScreenUpdate
import es.clavepin.android.SensitiveClipboard
import es.clavepin.app.R
import es.clavepin.directChannel
import es.clavepin.explanation
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.ffi.PinsException
import es.clavepin.ffi.core.ChannelStatus
import es.clavepin.ffi.countdownDisplay
import es.clavepin.screenUpdates
import es.clavepin.screens.AppScreen
import es.clavepin.screens.CitizenApp
import es.clavepin.screens.Notice

/**
 * The PIN screen: the request's code, the PIN in large type, the time left (the core
 * sends a new screen every 10 seconds and whenever something changes), "Copy PIN",
 * "This wasn't me", and the citizen's other actions. A PIN that can no longer be used
 * shows its code and what became of it. While it shows, the direct channel is open,
 * so a PIN asked for on the portal appears at once even without push.
 */
@Composable
fun PinScreen(shown: AppScreen.Pins, device: ClavePinDevice, screens: CitizenApp) {
    val context = LocalContext.current
    val update by remember { device.screenUpdates() }.collectAsStateWithLifecycle(initialValue = null)
    var channel by remember { mutableStateOf<ChannelStatus?>(null) }
    var said by remember(shown) { mutableStateOf<String?>(null) }
    var removing by remember { mutableStateOf(false) }
    var reporting by remember { mutableStateOf<RequestId?>(null) }
    LaunchedEffect(shown.document) {
        device.directChannel(shown.document).collect { event ->
            if (event is ChannelEvent.Status) {
                channel = event.status
                // Replaced or removed elsewhere: home says so.
                if (event.status is ChannelStatus.Replaced || event.status is ChannelStatus.Removed) screens.home()
            }
        }
    }
    val citizen = (update as? ScreenUpdate.Shown)?.screen?.citizens?.find { it.document == shown.document }
    val latest = citizen?.latest
    Column(
        Modifier.verticalScroll(rememberScrollState()),
        verticalArrangement = Arrangement.spacedBy(12.dp),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Title(shown.document.normalised)
        shown.notice?.let {
            Text(
                text(it, device),
                style = MaterialTheme.typography.bodyLarge,
                modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite },
            )
        }
        label(channel)?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
        if (latest == null) {
            Text(stringResource(R.string.pins_none), style = MaterialTheme.typography.bodyLarge)
        } else {
            Text(stringResource(R.string.pins_code, latest.code), style = MaterialTheme.typography.titleLarge)
            // The core hands the value over only while the PIN is live (and the citizen unlocked).
            val pin = latest.pin
            if (pin == null) {
                Text(label(latest.state), style = MaterialTheme.typography.titleMedium)
            } else {
                val value = pin.reveal()
                // TalkBack reads it character by character: "X, 7, K".
                val spelled = value.toList().joinToString(", ")
                val pinLabel = stringResource(R.string.pins_pin)
                Text(
                    value,
                    style = MaterialTheme.typography.displayLarge,
                    fontFamily = FontFamily.Monospace,
                    modifier = Modifier.semantics { contentDescription = "$pinLabel: $spelled" },
                )
                val countdown = latest.countdown
                LinearProgressIndicator(
                    progress = { countdown.secondsLeft.toFloat() / 600f },
                    modifier = Modifier.fillMaxWidth(),
                )
                Text(
                    countdownDisplay(countdown),
                    style = MaterialTheme.typography.headlineSmall,
                    modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite },
                )
                Button(
                    onClick = {
                        said = try {
                            SensitiveClipboard(context).copy(device.clipboardContent(latest.requestId), device.now())
                            context.getString(R.string.pins_copied)
                        } catch (e: PinsException) {
                            e.explanation
                        }
                    },
                    modifier = Modifier.fillMaxWidth(),
                ) {
                    Text(stringResource(R.string.pins_copy))
                }
            }
            // Any PIN shown can be reported, once: the notice then says what followed.
            if ((shown.notice as? Notice.NotMeReported)?.requestId != latest.requestId) {
                OutlinedButton(onClick = { reporting = latest.requestId }, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(R.string.pins_not_me), color = MaterialTheme.colorScheme.error)
                }
            }
        }
        said?.let { Text(it, modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite }) }
        OutlinedButton(onClick = { screens.approveSignIn(shown.document) }, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.pins_approve))
        }
        OutlinedButton(onClick = { screens.history(shown.document) }, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.pins_history))
        }
        OutlinedButton(onClick = { screens.changePattern(shown.document) }, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.pins_change_pattern))
        }
        OutlinedButton(onClick = { screens.lockAll() }, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.pins_lock))
        }
        TextButton(onClick = { removing = true }, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.pins_remove), color = MaterialTheme.colorScheme.error)
        }
    }
    reporting?.let { requestId ->
        AlertDialog(
            onDismissRequest = { reporting = null },
            title = { Text(stringResource(R.string.not_me_title)) },
            text = { Text(stringResource(R.string.not_me_body)) },
            confirmButton = {
                TextButton(onClick = {
                    reporting = null
                    screens.reportNotMe(requestId)
                }) { Text(stringResource(R.string.not_me_confirm)) }
            },
            dismissButton = {
                TextButton(onClick = { reporting = null }) { Text(stringResource(R.string.cancel)) }
            },
        )
    }
    if (removing) {
        AlertDialog(
            onDismissRequest = { removing = false },
            title = { Text(stringResource(R.string.remove_title, shown.document.normalised)) },
            text = { Text(stringResource(R.string.remove_body)) },
            confirmButton = {
                TextButton(onClick = {
                    removing = false
                    screens.remove(shown.document)
                }) { Text(stringResource(R.string.remove_confirm)) }
            },
            dismissButton = {
                TextButton(onClick = { removing = false }) { Text(stringResource(R.string.cancel)) }
            },
        )
    }
}
