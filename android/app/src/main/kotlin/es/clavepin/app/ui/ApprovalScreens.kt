package es.clavepin.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableLongStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import com.google.mlkit.vision.barcode.common.Barcode
import com.google.mlkit.vision.codescanner.GmsBarcodeScannerOptions
import com.google.mlkit.vision.codescanner.GmsBarcodeScanning
import es.clavepin.app.R
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.screens.AppScreen
import es.clavepin.screens.CitizenApp
import kotlinx.coroutines.delay

/**
 * "Approve a sign-in": scan the log-in page's QR code with Google's code scanner
 * (no camera permission: the scanner runs in Play services and hands back the text),
 * or type the code the page shows. What was read goes to the core as it is.
 */
@Composable
fun ScanApprovalScreen(asked: AppScreen.ScanApproval, busy: Boolean, screens: CitizenApp) {
    val context = LocalContext.current
    var typed by remember(asked) { mutableStateOf("") }
    var scannerMissing by remember { mutableStateOf(false) }
    Column(Modifier.verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Title(stringResource(R.string.approve_title))
        Text(stringResource(R.string.approve_scan_help), style = MaterialTheme.typography.bodyLarge)
        asked.error?.let { ErrorText(it) }
        Button(
            enabled = !busy,
            onClick = {
                val options = GmsBarcodeScannerOptions.Builder().setBarcodeFormats(Barcode.FORMAT_QR_CODE).build()
                GmsBarcodeScanning.getClient(context, options).startScan()
                    .addOnSuccessListener { code -> code.rawValue?.let { screens.submitApprovalCode(it) } }
                    .addOnFailureListener { scannerMissing = true }
            },
            modifier = Modifier.fillMaxWidth(),
        ) { Text(stringResource(R.string.approve_scan)) }
        if (scannerMissing) Text(stringResource(R.string.approve_scanner_missing), style = MaterialTheme.typography.bodyMedium)
        OutlinedTextField(
            value = typed,
            onValueChange = { typed = it },
            label = { Text(stringResource(R.string.approve_code_label)) },
            singleLine = true,
            keyboardOptions = KeyboardOptions(
                capitalization = KeyboardCapitalization.Characters,
                keyboardType = KeyboardType.Ascii,
                imeAction = ImeAction.Done,
                autoCorrectEnabled = false,
            ),
            modifier = Modifier.fillMaxWidth(),
        )
        OutlinedButton(enabled = !busy && typed.isNotBlank(), onClick = { screens.submitApprovalCode(typed) }, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.approve_continue))
        }
    }
}

/**
 * Who asks and since when, the time left, then the pattern drawn again to approve;
 * "Refuse" and "This wasn't me" end the request without it.
 */
@Composable
fun ConfirmApprovalScreen(asked: AppScreen.ConfirmApproval, busy: Boolean, device: ClavePinDevice, screens: CitizenApp) {
    var secondsLeft by remember(asked.request) { mutableLongStateOf(0L) }
    LaunchedEffect(asked.request) {
        while (true) {
            secondsLeft = (asked.request.expiresAt.epochSecond - device.now().epochSecond).coerceAtLeast(0)
            if (secondsLeft == 0L) break
            delay(1_000)
        }
    }
    var waitLeft by remember(asked.retryAt) { mutableLongStateOf(0L) }
    LaunchedEffect(asked.retryAt) {
        val until = asked.retryAt ?: return@LaunchedEffect
        while (true) {
            waitLeft = (until.epochSecond - device.now().epochSecond).coerceAtLeast(0)
            if (waitLeft == 0L) break
            delay(1_000)
        }
    }
    val site = asked.request.site ?: stringResource(R.string.approve_portal)
    Column(
        Modifier.verticalScroll(rememberScrollState()),
        verticalArrangement = Arrangement.spacedBy(12.dp),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Title(stringResource(R.string.approve_confirm_title))
        Text(stringResource(R.string.approve_who, site), style = MaterialTheme.typography.titleMedium)
        Text(
            stringResource(R.string.approve_when, phoneTime(asked.request.requestedAt, device), minutesAndSeconds(secondsLeft)),
            style = MaterialTheme.typography.bodyLarge,
        )
        Text(stringResource(R.string.approve_check), style = MaterialTheme.typography.bodyMedium)
        // Opened by a link: it may have come from anyone, not from the citizen's own log-in page.
        if (asked.fromLink) Text(stringResource(R.string.approve_link_warning), style = MaterialTheme.typography.bodyLarge)
        asked.error?.let { ErrorText(it) }
        if (waitLeft > 0) Text(stringResource(R.string.unlock_wait, minutesAndSeconds(waitLeft)), style = MaterialTheme.typography.bodyLarge)
        Text(stringResource(R.string.approve_draw), style = MaterialTheme.typography.bodyLarge)
        PatternPad(enabled = !busy && waitLeft == 0L && secondsLeft > 0, onDone = { screens.approve(it) })
        OutlinedButton(enabled = !busy, onClick = { screens.refuseApproval(notMe = false) }, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.approve_refuse))
        }
        TextButton(enabled = !busy, onClick = { screens.refuseApproval(notMe = true) }, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.pins_not_me), color = MaterialTheme.colorScheme.error)
        }
    }
}
