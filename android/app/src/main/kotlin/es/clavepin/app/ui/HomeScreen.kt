package es.clavepin.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import es.clavepin.app.R
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.screens.AppScreen
import es.clavepin.screens.CitizenApp

/** The people on this phone (a family phone has several), and activations waiting for their code. */
@Composable
fun HomeScreen(home: AppScreen.Home, busy: Boolean, device: ClavePinDevice, screens: CitizenApp) {
    Column(verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(
            stringResource(R.string.app_name),
            style = MaterialTheme.typography.headlineMedium,
            modifier = Modifier.semantics { heading() },
        )
        home.notice?.let {
            Text(
                text(it, device),
                style = MaterialTheme.typography.bodyLarge,
                modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite },
            )
        }
        if (home.citizens.isEmpty() && home.waiting.isEmpty()) {
            Text(stringResource(R.string.home_empty), style = MaterialTheme.typography.bodyLarge)
        }
        LazyColumn(Modifier.weight(1f, fill = false), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            items(home.citizens, key = { it.document.normalised }) { citizen ->
                Card(
                    Modifier
                        .fillMaxWidth()
                        .clickable(enabled = !busy, role = Role.Button) { screens.open(citizen.document) },
                ) {
                    Column(Modifier.padding(16.dp)) {
                        Text(citizen.document.normalised, style = MaterialTheme.typography.titleLarge)
                        Text(label(citizen.state, citizen.unlocked), style = MaterialTheme.typography.bodyMedium)
                    }
                }
            }
            items(home.waiting, key = { "waiting:" + it.document.normalised }) { waiting ->
                Card(Modifier.fillMaxWidth()) {
                    Column(Modifier.padding(16.dp)) {
                        Text(
                            stringResource(R.string.home_waiting, waiting.document.normalised, waiting.phoneHint),
                            style = MaterialTheme.typography.bodyLarge,
                        )
                        Row(verticalAlignment = Alignment.CenterVertically) {
                            TextButton(onClick = { screens.open(waiting.document) }, enabled = !busy) {
                                Text(stringResource(R.string.home_resume))
                            }
                            TextButton(onClick = { screens.cancelActivation(waiting.document) }, enabled = !busy) {
                                Text(stringResource(R.string.cancel))
                            }
                        }
                    }
                }
            }
        }
        Button(onClick = { screens.addCitizen() }, enabled = !busy, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.home_add))
        }
        TextButton(onClick = { screens.newPhone() }, enabled = !busy, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.new_phone_title))
        }
    }
}
