package es.clavepin.app.ui

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color

/*
 * Colours chosen for WCAG 2.1 AA (EN 301 549): text on its background at 4.5:1 or
 * more, controls at 3:1 or more, in the light and the dark theme. No dynamic colour:
 * a wallpaper-derived scheme could not promise those ratios.
 */
private val Blue = Color(0xFF0B4F8A) // 8.6:1 on white
private val LightBlue = Color(0xFF9CCBFF) // 10.4:1 on the dark background
private val Red = Color(0xFFB00020)
private val LightRed = Color(0xFFFFB4AB)

private val Light = lightColorScheme(
    primary = Blue,
    onPrimary = Color.White,
    background = Color.White,
    onBackground = Color(0xFF1A1C1E),
    surface = Color.White,
    onSurface = Color(0xFF1A1C1E),
    onSurfaceVariant = Color(0xFF43474E), // 9.3:1 on white
    error = Red,
    onError = Color.White,
)

private val Dark = darkColorScheme(
    primary = LightBlue,
    onPrimary = Color(0xFF00315C),
    background = Color(0xFF111418),
    onBackground = Color(0xFFE2E2E6),
    surface = Color(0xFF111418),
    onSurface = Color(0xFFE2E2E6),
    onSurfaceVariant = Color(0xFFC3C6CF), // 10:1 on the background
    error = LightRed,
    onError = Color(0xFF690005),
)

/** Text sizes are the Material type scale in sp: they grow with the system font size. */
@Composable
fun ClavePinTheme(content: @Composable () -> Unit) {
    MaterialTheme(colorScheme = if (isSystemInDarkTheme()) Dark else Light, content = content)
}
