import ClavePIN
import SwiftUI

/// The security pattern as nine buttons, 1 to 9 as on a keypad: tapped one by one in
/// order (what VoiceOver, Switch Control and a keyboard do), or joined by sliding a
/// finger across them. Each dot says its number and whether, and when, it was chosen;
/// nothing on screen shows the order, so no one looking over a shoulder reads it.
struct PatternPad: View {
    let enabled: Bool
    let onDone: ([Int]) -> Void
    @State private var drawn: [Int] = []
    @ScaledMetric private var dot: CGFloat = 64

    var body: some View {
        VStack(spacing: 16) {
            Grid(horizontalSpacing: 24, verticalSpacing: 24) {
                ForEach(0..<3, id: \.self) { row in
                    GridRow {
                        ForEach(1...3, id: \.self) { column in
                            dotButton(row * 3 + column)
                        }
                    }
                }
            }
            .coordinateSpace(name: "pad")
            .gesture(
                DragGesture(minimumDistance: 8, coordinateSpace: .named("pad"))
                    .onChanged { value in
                        if let hit = hit(value.location) { choose(hit) }
                    })
            Text(L("pattern_count", drawn.count))
                .accessibilityAddTraits(.updatesFrequently)
            HStack(spacing: 16) {
                Button(L("pattern_clear")) { drawn.removeAll() }
                    .disabled(!enabled || drawn.isEmpty)
                Button(L("pattern_done")) {
                    let dots = drawn
                    drawn.removeAll()
                    onDone(dots)
                }
                .buttonStyle(.borderedProminent)
                .disabled(!enabled || drawn.isEmpty)
            }
        }
        .frame(maxWidth: .infinity)
    }

    private func dotButton(_ number: Int) -> some View {
        let position = drawn.firstIndex(of: number)
        return Button {
            choose(number)
        } label: {
            Text("\(number)")
                .font(.title2)
                .frame(width: dot, height: dot)
                .overlay(Circle().stroke(Color.clavePin, lineWidth: position == nil ? 2 : 6))
        }
        .disabled(!enabled)
        .accessibilityLabel(L("pattern_dot", number))
        .accessibilityValue(position.map { L("pattern_dot_chosen", $0 + 1) } ?? L("pattern_dot_free"))
    }

    private func choose(_ number: Int) {
        if enabled && !drawn.contains(number) { drawn.append(number) }
    }

    /// The dot under `point` in the pad: cells of the dot's size plus the spacing.
    private func hit(_ point: CGPoint) -> Int? {
        let cell = dot + 24
        let column = Int(point.x / cell), row = Int(point.y / cell)
        guard (0..<3).contains(column), (0..<3).contains(row) else { return nil }
        let centre = CGPoint(x: CGFloat(column) * cell + dot / 2, y: CGFloat(row) * cell + dot / 2)
        guard hypot(point.x - centre.x, point.y - centre.y) <= dot / 2 else { return nil }
        return row * 3 + column + 1
    }
}

struct NewPatternView: View {
    let error: String?
    let screens: CitizenApp

    var body: some View {
        Title(L("pattern_new_title"))
        Text(L("pattern_help"))
        if let error { ErrorText(error) }
        PatternPad(enabled: !screens.busy) { screens.submitNewPattern($0) }
    }
}

/// The pattern, to see the PINs. After repeated mistakes the core sets a wait: the
/// pad stays off and the time left is counted down on the core's clock.
struct UnlockView: View {
    let document: DocumentNumber
    let error: String?
    let retryAt: Date?
    let screens: CitizenApp

    var body: some View {
        Title(L("pattern_unlock_title"))
        Text(document.normalised).font(.headline)
        if let error { ErrorText(error) }
        TimelineView(.periodic(from: .now, by: 1)) { _ in
            let left = max(0, Int((retryAt ?? .distantPast).timeIntervalSince(screens.device.now()).rounded(.up)))
            VStack(spacing: 12) {
                if left > 0 { Text(L("unlock_wait", String(format: "%d:%02d", left / 60, left % 60))) }
                PatternPad(enabled: !screens.busy && left == 0) { screens.unlock($0) }
            }
        }
    }
}

/// The current pattern, then the new one. The first is kept in memory only.
struct ChangePatternView: View {
    let error: String?
    let screens: CitizenApp
    @State private var old: [Int]?

    var body: some View {
        Title(L(old == nil ? "pattern_change_old" : "pattern_change_new"))
        if let error { ErrorText(error) }
        if let old {
            Text(L("pattern_help"))
            PatternPad(enabled: !screens.busy) { screens.submitChangedPattern(old: old, new: $0) }
        } else {
            PatternPad(enabled: !screens.busy) { old = $0 }
        }
    }
}
