package es.clavepin.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import es.clavepin.app.R
import es.clavepin.screens.AppScreen
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle

/** The PINs received and what became of them; the values themselves are never listed. */
@Composable
fun HistoryScreen(shown: AppScreen.History) {
    val format = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.SHORT).withZone(ZoneId.systemDefault())
    Column(verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Title(stringResource(R.string.pins_history))
        if (shown.pins.isEmpty()) Text(stringResource(R.string.history_empty), style = MaterialTheme.typography.bodyLarge)
        LazyColumn(verticalArrangement = Arrangement.spacedBy(8.dp)) {
            items(shown.pins, key = { it.requestId.value }) { pin ->
                Text(
                    stringResource(R.string.history_item, format.format(pin.issuedAt), pin.code, label(pin.state)),
                    style = MaterialTheme.typography.bodyLarge,
                )
            }
        }
    }
}
