package es.clavepin.app.ui

import androidx.compose.foundation.BorderStroke
import androidx.compose.foundation.gestures.detectDragGestures
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.sizeIn
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.mutableStateListOf
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.layout.onGloballyPositioned
import androidx.compose.ui.layout.positionInRoot
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.pluralStringResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.unit.dp
import es.clavepin.app.R

/**
 * The security pattern as nine buttons, 1 to 9 as on a keypad. Tapped one by one in
 * order (what TalkBack, Switch Access and a keyboard do), or joined by sliding a
 * finger across them. Each dot says its number and whether, and when, it was chosen;
 * the count is announced as it changes. Nothing shows the order on screen, so the
 * pattern is not left for someone looking over a shoulder.
 */
@Composable
fun PatternPad(enabled: Boolean, onDone: (List<Int>) -> Unit, modifier: Modifier = Modifier) {
    val drawn = remember { mutableStateListOf<Int>() }
    // Centres of the dots and the pad's corner, in the window: a drag reports
    // positions in the pad, so it adds the corner to compare them.
    val centres = remember { HashMap<Int, Offset>() }
    val corner = remember { arrayOf(Offset.Zero) }
    val context = LocalContext.current
    fun choose(dot: Int) {
        if (enabled && dot !in drawn) drawn.add(dot)
    }
    Column(modifier.widthIn(max = 360.dp), horizontalAlignment = Alignment.CenterHorizontally) {
        Column(
            Modifier
                .fillMaxWidth()
                .onGloballyPositioned { corner[0] = it.positionInRoot() }
                .pointerInput(enabled) {
                    val reach = size.width / 6f
                    detectDragGestures(
                        onDragStart = { at -> nearest(centres, corner[0] + at, reach)?.let(::choose) },
                        onDrag = { change, _ -> nearest(centres, corner[0] + change.position, reach)?.let(::choose) },
                    )
                },
            verticalArrangement = Arrangement.spacedBy(16.dp),
        ) {
            for (row in 0 until 3) {
                Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.SpaceEvenly) {
                    for (column in 0 until 3) {
                        val dot = row * 3 + column + 1
                        val position = drawn.indexOf(dot)
                        val name = stringResource(R.string.pattern_dot, dot)
                        val state = if (position >= 0) {
                            context.getString(R.string.pattern_dot_chosen, position + 1)
                        } else {
                            context.getString(R.string.pattern_dot_free)
                        }
                        OutlinedButton(
                            onClick = { choose(dot) },
                            enabled = enabled,
                            shape = CircleShape,
                            border = BorderStroke(
                                if (position >= 0) 6.dp else 2.dp,
                                MaterialTheme.colorScheme.primary,
                            ),
                            modifier = Modifier
                                .sizeIn(minWidth = 64.dp, minHeight = 64.dp)
                                .aspectRatio(1f)
                                .onGloballyPositioned { coordinates ->
                                    val size = coordinates.size
                                    centres[dot] = coordinates.positionInRoot() + Offset(size.width / 2f, size.height / 2f)
                                }
                                .semantics {
                                    contentDescription = name
                                    stateDescription = state
                                },
                        ) {
                            Text(dot.toString(), style = MaterialTheme.typography.titleLarge)
                        }
                    }
                }
            }
        }
        Text(
            pluralStringResource(R.plurals.pattern_dots, drawn.size, drawn.size),
            style = MaterialTheme.typography.bodyLarge,
            modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite },
        )
        Row(horizontalArrangement = Arrangement.spacedBy(16.dp)) {
            TextButton(onClick = { drawn.clear() }, enabled = enabled && drawn.isNotEmpty()) {
                Text(stringResource(R.string.pattern_clear))
            }
            Button(
                onClick = {
                    val dots = drawn.toList()
                    drawn.clear()
                    onDone(dots)
                },
                enabled = enabled && drawn.isNotEmpty(),
            ) {
                Text(stringResource(R.string.pattern_done))
            }
        }
    }
}

/** The dot whose centre is within [reach] of [at], if any. */
private fun nearest(centres: Map<Int, Offset>, at: Offset, reach: Float): Int? =
    centres.entries.minByOrNull { (it.value - at).getDistance() }
        ?.takeIf { (it.value - at).getDistance() <= reach }
        ?.key
