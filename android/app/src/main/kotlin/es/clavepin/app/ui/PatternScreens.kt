package es.clavepin.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableLongStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import es.clavepin.app.R
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.screens.AppScreen
import es.clavepin.screens.CitizenApp
import kotlinx.coroutines.delay

@Composable
fun NewPatternScreen(asked: AppScreen.NewPattern, busy: Boolean, screens: CitizenApp) {
    Column(verticalArrangement = Arrangement.spacedBy(12.dp), horizontalAlignment = Alignment.CenterHorizontally) {
        Title(stringResource(R.string.pattern_new_title))
        Text(stringResource(R.string.pattern_help), style = MaterialTheme.typography.bodyLarge)
        asked.error?.let { ErrorText(it) }
        PatternPad(enabled = !busy, onDone = { screens.submitNewPattern(it) })
    }
}

/**
 * The pattern, to see the PINs. After repeated mistakes the core sets a wait; the pad
 * stays off and the time left is counted down (on the core's clock) until it ends.
 */
@Composable
fun UnlockScreen(asked: AppScreen.Unlock, busy: Boolean, device: ClavePinDevice, screens: CitizenApp) {
    var secondsLeft by remember(asked.retryAt) { mutableLongStateOf(0L) }
    LaunchedEffect(asked.retryAt) {
        val until = asked.retryAt ?: return@LaunchedEffect
        while (true) {
            secondsLeft = (until.epochSecond - device.now().epochSecond).coerceAtLeast(0)
            if (secondsLeft == 0L) break
            delay(1_000)
        }
    }
    Column(verticalArrangement = Arrangement.spacedBy(12.dp), horizontalAlignment = Alignment.CenterHorizontally) {
        Title(stringResource(R.string.pattern_unlock_title))
        Text(asked.document.normalised, style = MaterialTheme.typography.titleMedium)
        asked.error?.let { ErrorText(it) }
        if (secondsLeft > 0) {
            Text(stringResource(R.string.unlock_wait, minutesAndSeconds(secondsLeft)), style = MaterialTheme.typography.bodyLarge)
        }
        PatternPad(enabled = !busy && secondsLeft == 0L, onDone = { screens.unlock(it) })
    }
}

/** The current pattern, then the new one: two pads, one after the other. */
@Composable
fun ChangePatternScreen(asked: AppScreen.ChangePattern, busy: Boolean, screens: CitizenApp) {
    // Held in memory only: a saved state could be written to disk.
    var old by remember(asked) { mutableStateOf<List<Int>?>(null) }
    Column(verticalArrangement = Arrangement.spacedBy(12.dp), horizontalAlignment = Alignment.CenterHorizontally) {
        val current = old
        Title(stringResource(if (current == null) R.string.pattern_change_old else R.string.pattern_change_new))
        asked.error?.let { ErrorText(it) }
        if (current == null) {
            PatternPad(enabled = !busy, onDone = { old = it })
        } else {
            Text(stringResource(R.string.pattern_help), style = MaterialTheme.typography.bodyLarge)
            PatternPad(enabled = !busy, onDone = { screens.submitChangedPattern(current, it) })
        }
    }
}

/** `0:42`, `4:05`: short waits as people read them. */
fun minutesAndSeconds(seconds: Long): String = "%d:%02d".format(seconds / 60, seconds % 60)
