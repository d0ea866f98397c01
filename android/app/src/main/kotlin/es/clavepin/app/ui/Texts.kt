package es.clavepin.app.ui

import androidx.compose.runtime.Composable
import androidx.compose.ui.res.stringResource
import es.clavepin.app.R
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.ffi.core.ChannelStatus
import es.clavepin.ffi.core.CitizenState
import es.clavepin.ffi.protocol.PinState
import es.clavepin.screens.Notice
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle

/* The app's own words for the core's states; what the core explains, it says itself. */

@Composable
fun label(state: CitizenState, unlocked: Boolean): String = when {
    state == CitizenState.ACTIVE && unlocked -> stringResource(R.string.state_unlocked)
    state == CitizenState.ACTIVE -> stringResource(R.string.state_active)
    state == CitizenState.NEEDS_PATTERN -> stringResource(R.string.state_needs_pattern)
    else -> stringResource(R.string.state_replaced)
}

@Composable
fun label(state: PinState): String = stringResource(
    when (state) {
        PinState.LIVE -> R.string.pin_state_live
        PinState.USED -> R.string.pin_state_used
        PinState.EXPIRED -> R.string.pin_state_expired
        PinState.SUPERSEDED -> R.string.pin_state_superseded
        PinState.DEAD -> R.string.pin_state_dead
    },
)

/** The channel's state in a line; null once it is final (the screen changes then). */
@Composable
fun label(status: ChannelStatus?): String? = when (status) {
    null, ChannelStatus.Connecting -> stringResource(R.string.channel_connecting)
    ChannelStatus.Connected -> stringResource(R.string.channel_connected)
    is ChannelStatus.Reconnecting -> stringResource(R.string.channel_reconnecting)
    ChannelStatus.Locked, ChannelStatus.Replaced, ChannelStatus.Removed -> null
}

/** [device] puts the times the service gave on the phone's own clock. */
@Composable
fun text(notice: Notice, device: ClavePinDevice): String = when (notice) {
    is Notice.Removed -> stringResource(
        if (notice.serviceTold) R.string.notice_removed_told else R.string.notice_removed_later,
        notice.document.normalised,
    )
    Notice.PatternChanged -> stringResource(R.string.notice_pattern_changed)
    is Notice.NotMeReported -> stringResource(R.string.notice_not_me, phoneTime(notice.smsUntil, device))
    is Notice.Approved -> stringResource(R.string.notice_approved, notice.site ?: stringResource(R.string.approve_portal))
    is Notice.ApprovalRefused -> notice.smsUntil?.let { stringResource(R.string.notice_approval_not_me, phoneTime(it, device)) }
        ?: stringResource(R.string.notice_approval_refused)
    Notice.ChooseWhoApproves -> stringResource(R.string.notice_choose_who_approves)
    is Notice.Said -> notice.text
}

/**
 * An instant on the service's clock as the time of day the phone's status bar shows
 * then (the phone's own clock may be minutes off the service's; the core knows by how much).
 */
fun phoneTime(instant: Instant, device: ClavePinDevice): String =
    DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT)
        .format(instant.minusSeconds(device.clockOffsetSecs()).atZone(ZoneId.systemDefault()))
