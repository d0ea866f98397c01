package es.clavepin.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import es.clavepin.app.R

/**
 * "Moving to a new phone": activating on the new one stops this one at once, and a
 * reinstall on the same phone is activated the same way. Nothing to do here: back
 * goes home.
 */
@Composable
fun NewPhoneScreen() {
    Column(Modifier.verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Title(stringResource(R.string.new_phone_title))
        Text(stringResource(R.string.new_phone_body), style = MaterialTheme.typography.bodyLarge)
        Text(stringResource(R.string.new_phone_reinstall), style = MaterialTheme.typography.bodyLarge)
    }
}
