package es.clavepin

import es.clavepin.ffi.countdown
import java.time.Instant
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

@OptIn(ExperimentalCoroutinesApi::class)
class CountdownTest {
    private val issued = Instant.ofEpochSecond(1_800_000_000)
    private val expires = issued.plusSeconds(600)

    @Test
    fun `a fresh PIN shows ten minutes and refreshes in ten seconds`() {
        val c = countdown(expires, issued)
        assertEquals(600u, c.secondsLeft)
        assertFalse(c.expired)
        assertEquals("10:00", c.display)
        assertEquals(issued.plusSeconds(10), c.nextRefreshAt)
    }

    @Test
    fun `an expired PIN says so and schedules nothing`() {
        val c = countdown(expires, expires)
        assertTrue(c.expired)
        assertEquals(0u, c.secondsLeft)
        assertNull(c.nextRefreshAt)
    }

    @Test
    fun `the flow emits every ten seconds until expiry`() = runTest {
        // Opened 3.5 s after issue: the virtual clock drives both delay() and now().
        val openedAt = issued.plusMillis(3_500)
        val ticks = countdownFlow(expires) { openedAt.plusMillis(currentTime) }.toList()
        assertEquals(61, ticks.size)
        assertEquals(597u, ticks.first().secondsLeft)
        assertEquals(590u, ticks[1].secondsLeft)
        assertTrue(ticks.drop(1).all { it.secondsLeft % 10u == 0u })
        assertTrue(ticks.last().expired)
        assertEquals(596_500L, currentTime)
    }
}
