package es.clavepin.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Checkbox
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import es.clavepin.app.R
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.ffi.DocumentInputState
import es.clavepin.ffi.documentInputState
import es.clavepin.ffi.protocol.ContrastKind
import es.clavepin.screens.AppScreen
import es.clavepin.screens.CitizenApp
import es.clavepin.screens.Field

/**
 * Activation's first step: the DNI or NIE, then the contrast datum the core says it
 * needs, with where to find it on the card. The core checks both (the error is shown
 * beside the field it flags) before anything is sent.
 */
@Composable
fun DocumentScreen(asked: AppScreen.EnterDocument, busy: Boolean, screens: CitizenApp) {
    var document by rememberSaveable { mutableStateOf("") }
    var contrast by rememberSaveable { mutableStateOf("") }
    var permanent by rememberSaveable { mutableStateOf(false) }
    val needs = (documentInputState(document) as? DocumentInputState.Valid)?.document?.contrastNeeded
    val error = asked.error
    Column(
        Modifier.verticalScroll(rememberScrollState()),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        Title(stringResource(R.string.document_title))
        OutlinedTextField(
            value = document,
            onValueChange = { document = it },
            label = { Text(stringResource(R.string.document_label)) },
            supportingText = {
                Text(error?.takeIf { it.field == Field.DOCUMENT }?.text ?: stringResource(R.string.document_help))
            },
            isError = error?.field == Field.DOCUMENT,
            singleLine = true,
            keyboardOptions = KeyboardOptions(
                capitalization = KeyboardCapitalization.Characters,
                keyboardType = KeyboardType.Ascii,
                imeAction = ImeAction.Next,
            ),
            modifier = Modifier.fillMaxWidth(),
        )
        val (label, help) = when {
            needs == ContrastKind.SUPPORT_NUMBER -> R.string.contrast_support_label to R.string.contrast_support_help
            permanent -> R.string.contrast_issue_label to R.string.contrast_issue_help
            else -> R.string.contrast_validity_label to R.string.contrast_validity_help
        }
        if (needs != ContrastKind.SUPPORT_NUMBER) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Checkbox(checked = permanent, onCheckedChange = { permanent = it })
                Text(stringResource(R.string.contrast_permanent), style = MaterialTheme.typography.bodyLarge)
            }
        }
        OutlinedTextField(
            value = contrast,
            onValueChange = { contrast = it },
            label = { Text(stringResource(label)) },
            supportingText = {
                Text(error?.takeIf { it.field == Field.CONTRAST }?.text ?: stringResource(help))
            },
            isError = error?.field == Field.CONTRAST,
            singleLine = true,
            keyboardOptions = KeyboardOptions(
                capitalization = KeyboardCapitalization.Characters,
                keyboardType = if (needs == ContrastKind.SUPPORT_NUMBER) KeyboardType.Ascii else KeyboardType.Number,
                imeAction = ImeAction.Done,
            ),
            modifier = Modifier.fillMaxWidth(),
        )
        if (error != null && error.field == null) ErrorText(error.text)
        Button(
            onClick = { screens.submitDocument(document, contrast, permanent && needs != ContrastKind.SUPPORT_NUMBER) },
            enabled = !busy && document.isNotBlank() && contrast.isNotBlank(),
            modifier = Modifier.fillMaxWidth(),
        ) {
            Text(stringResource(R.string.continue_))
        }
    }
}

/** Activation's second step: the 6-digit code the SMS brought. */
@Composable
fun CodeScreen(asked: AppScreen.EnterCode, busy: Boolean, device: ClavePinDevice, screens: CitizenApp) {
    var code by rememberSaveable(asked.document.normalised) { mutableStateOf("") }
    val expires = phoneTime(asked.codeExpiresAt, device)
    Column(verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Title(stringResource(R.string.code_title))
        Text(stringResource(R.string.code_sent, asked.phoneHint), style = MaterialTheme.typography.bodyLarge)
        OutlinedTextField(
            value = code,
            onValueChange = { typed -> code = typed.filter(Char::isDigit).take(6) },
            label = { Text(stringResource(R.string.code_label)) },
            supportingText = { Text(asked.error ?: stringResource(R.string.code_expires, expires)) },
            isError = asked.error != null,
            singleLine = true,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.NumberPassword, imeAction = ImeAction.Done),
            modifier = Modifier.fillMaxWidth(),
        )
        Button(
            onClick = { screens.submitCode(code).also { code = "" } },
            enabled = !busy && code.length == 6,
            modifier = Modifier.fillMaxWidth(),
        ) {
            Text(stringResource(R.string.continue_))
        }
    }
}

@Composable
fun Title(text: String) {
    Text(text, style = MaterialTheme.typography.headlineSmall, modifier = Modifier.semantics { heading() })
}

/** An error the core explained, announced as it appears. */
@Composable
fun ErrorText(text: String) {
    Text(
        text,
        color = MaterialTheme.colorScheme.error,
        style = MaterialTheme.typography.bodyLarge,
        modifier = Modifier.semantics { liveRegion = LiveRegionMode.Assertive },
    )
}
