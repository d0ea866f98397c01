import Foundation

/// An activation waiting for its SMS code.
public struct WaitingActivation: Equatable, Sendable {
    public let document: DocumentNumber
    public let phoneHint: String
    public let codeExpiresAt: Date
}

/// Which field an identity error is shown beside; `nil` for the form as a whole.
public enum Field: Sendable {
    case document, contrast
}

public struct FieldError: Equatable, Sendable {
    public let field: Field?
    public let text: String
}

/// Something that just happened, said once on the next screen.
public enum Notice: Equatable, Sendable {
    /// The app's own words for its own events: the app has them in its strings.
    case removed(DocumentNumber, serviceTold: Bool)
    case patternChanged
    /// "This wasn't me" was taken for the request: that PIN no longer works, the
    /// citizen's PINs come by SMS until `smsUntil`, and the portal's "My devices" lists
    /// the report. `smsUntil` is on the service's clock, as every instant here: show it
    /// on the phone's (less `clockOffsetSecs()`), as the SMS code's expiry is.
    case notMeReported(RequestId, smsUntil: Date)
    /// The sign-in at `site` (`nil`: the Cl@ve portal) was approved, and the log-in page
    /// goes on by itself; `fromLink`: the app goes back to the browser.
    case approved(site: String?, fromLink: Bool)
    /// The sign-in was refused; with `smsUntil`, "this wasn't me" was taken too.
    case approvalRefused(smsUntil: Date?, fromLink: Bool)
    /// The log-in page's link opened the app, and several citizens are here: choose whose sign-in it is.
    case chooseWhoApproves
    /// The core's words.
    case said(String)
}

/// The screen the app shows. `CitizenApp` decides it from the core's answers; the
/// SwiftUI layer only draws it. The same states as the Android app's (`AppScreen.kt`).
public enum AppScreen: Equatable {
    /// The citizens on this phone (a family phone has several) and the activations waiting for their SMS code.
    case home(citizens: [CitizenSummary], waiting: [WaitingActivation], notice: Notice?)
    /// Activation, first step: the DNI or NIE and its contrast datum.
    case enterDocument(error: FieldError?)
    /// Activation, second step: the SMS code sent to the phone ending in `phoneHint`.
    case enterCode(document: DocumentNumber, phoneHint: String, codeExpiresAt: Date, error: String?)
    /// Activation, last step: the new security pattern.
    case newPattern(document: DocumentNumber, error: String?)
    /// The pattern, to see a citizen's PINs; `retryAt` when the core makes them wait.
    case unlock(document: DocumentNumber, error: String?, retryAt: Date?)
    /// The PIN screen of an unlocked citizen: its model comes from `screenUpdates()`.
    case pins(document: DocumentNumber, notice: Notice?)
    /// The PINs received, without their values.
    case history(document: DocumentNumber, pins: [PinView])
    /// The current pattern, then the new one.
    case changePattern(document: DocumentNumber, error: String?)
    /// "Moving to a new phone", in the app's own words (it has them in its strings):
    /// activating on the new phone with the DNI or NIE and an SMS code stops the old one
    /// at once; after a reinstall on the same phone, activate the same way.
    case newPhone
    /// "Approve a sign-in": the view scans the log-in page's QR code (or the citizen
    /// types its code) and passes the text to `submitApprovalCode`; `error` when the last
    /// one found nothing.
    case scanApproval(document: DocumentNumber, error: String?)
    /// Who asks (`request.site`, `nil` for the Cl@ve portal) and until when: the pattern
    /// drawn again approves; "Refuse" and "This wasn't me" end it. `fromLink` when the
    /// log-in page's link opened the app. Instants are on the service's clock.
    case confirmApproval(
        document: DocumentNumber, request: SignInToApprove, fromLink: Bool, error: String?, retryAt: Date?)
}

/// The app's screens as states over the core, as on Android (`CitizenApp.kt`): the
/// views draw `screen` and call these methods with what the citizen typed or drew.
/// One action runs at a time (the pattern takes a moment to stretch): a second tap
/// while `busy` is dropped. Locking never waits: `lockAll` locks the core at once and
/// the screen follows when the running action ends.
@MainActor
public final class CitizenApp: ObservableObject {
    @Published public private(set) var screen: AppScreen = .home(citizens: [], waiting: [], notice: nil)
    @Published public private(set) var busy = false

    public let device: ClavePinDevice
    private let locale: () -> Locale
    private let today: () -> Date
    private let calendar: Calendar
    private var lockWhenDone = false
    /// The log-in page's link that opened the app, until the citizen it is for is unlocked.
    private var pendingLink: String?

    /// - Parameter today: the citizen's calendar day, against which dates on the card are checked.
    public init(
        device: ClavePinDevice, locale: @escaping () -> Locale, today: @escaping () -> Date = Date.init,
        calendar: Calendar = Calendar(identifier: .gregorian)
    ) {
        self.device = device
        self.locale = locale
        self.today = today
        var madrid = calendar
        madrid.timeZone = TimeZone(identifier: "Europe/Madrid") ?? calendar.timeZone
        self.calendar = madrid
    }

    @discardableResult
    private func act(_ step: @escaping @MainActor () async -> AppScreen) -> Task<Void, Never>? {
        guard !busy else { return nil }
        busy = true
        return Task { @MainActor in
            let next = await step()
            if self.lockWhenDone {
                // An unlock that began before the lock has just finished: lock again.
                self.lockWhenDone = false
                self.device.lockAll()
                self.screen = Self.locked(next)
            } else {
                self.screen = next
            }
            self.busy = false
        }
    }

    /// The citizens and waiting activations, as they are now.
    @discardableResult
    public func home(notice: Notice? = nil) -> Task<Void, Never>? { act { self.homeScreen(notice) } }

    private func homeScreen(_ notice: Notice? = nil) -> AppScreen {
        do {
            let waiting = try device.pendingActivations().compactMap { progress -> WaitingActivation? in
                guard case let .awaitingCode(document, phoneHint, codeExpiresAt) = progress else { return nil }
                return WaitingActivation(document: document, phoneHint: phoneHint, codeExpiresAt: codeExpiresAt)
            }
            return .home(citizens: try device.citizens(), waiting: waiting, notice: notice)
        } catch {
            return .home(citizens: [], waiting: [], notice: .said(explanation(of: error)))
        }
    }

    /// "Add a citizen": activation's first step.
    @discardableResult
    public func addCitizen() -> Task<Void, Never>? { act { .enterDocument(error: nil) } }

    /// A citizen chosen on the home screen: their PINs, the pattern first, or the activation step they stopped at.
    @discardableResult
    public func open(_ document: DocumentNumber) -> Task<Void, Never>? {
        act {
            do {
                guard let citizen = try self.device.citizens().first(where: { $0.document == document }) else {
                    return self.next(after: try self.device.activationProgressFor(document: document))
                }
                if citizen.state == .needsPattern { return .newPattern(document: document, error: nil) }
                if citizen.unlocked, let link = self.pendingLink {
                    return await self.lookUp(document, link, fromLink: true)
                }
                return citizen.unlocked
                    ? .pins(document: document, notice: nil) : .unlock(document: document, error: nil, retryAt: nil)
            } catch {
                return self.homeScreen(.said(explanation(of: error)))
            }
        }
    }

    /// Activation's first step: checked by the core field by field, then sent to the service.
    @discardableResult
    public func submitDocument(_ document: String, contrast: String, permanentDni: Bool = false) -> Task<Void, Never>? {
        act {
            let day = CalendarDate(self.today(), calendar: self.calendar)
            let info: DocumentInfo
            do {
                info = try validateDocument(input: document)
            } catch let error as IdentityError {
                return .enterDocument(error: FieldError(field: .document, text: error.explanation(in: self.locale())))
            } catch {
                return .enterDocument(error: FieldError(field: .document, text: explanation(of: error)))
            }
            do {
                _ = try validateContrastData(
                    document: info.normalised, input: contrast, permanentDni: permanentDni, today: day)
            } catch let error as IdentityError {
                return .enterDocument(error: FieldError(field: .contrast, text: error.explanation(in: self.locale())))
            } catch {
                return .enterDocument(error: FieldError(field: .contrast, text: explanation(of: error)))
            }
            do {
                return self.screen(
                    for: try await self.device.startActivation(
                        document: info.document, contrast: contrast, permanentDni: permanentDni, today: day))
            } catch {
                return .enterDocument(error: FieldError(field: nil, text: explanation(of: error)))
            }
        }
    }

    /// The SMS code; a wrong one is asked for again, saying how many tries are left.
    @discardableResult
    public func submitCode(_ code: String) -> Task<Void, Never>? {
        act {
            guard case let .enterCode(document, phoneHint, expiresAt, _) = self.screen else { return self.screen }
            do {
                return self.next(after: try await self.device.submitActivationCodeFor(document: document, code: code))
            } catch let error as ActivationError {
                if case .StartAgain = error {
                    // The code expired or its tries ran out: a new SMS is needed.
                    return .enterDocument(error: FieldError(field: nil, text: explanation(of: error)))
                }
                return .enterCode(
                    document: document, phoneHint: phoneHint, codeExpiresAt: expiresAt, error: explanation(of: error))
            } catch {
                return .enterCode(
                    document: document, phoneHint: phoneHint, codeExpiresAt: expiresAt, error: explanation(of: error))
            }
        }
    }

    /// The new security pattern, as dots 1–9 in the order drawn.
    @discardableResult
    public func submitNewPattern(_ dots: [Int]) -> Task<Void, Never>? {
        act {
            guard case let .newPattern(document, _) = self.screen else { return self.screen }
            do {
                try await self.device.setPattern(document: document, dots: Self.pattern(dots))
                return .pins(document: document, notice: nil)
            } catch {
                return .newPattern(document: document, error: explanation(of: error))
            }
        }
    }

    /// The pattern, to see the PINs; the core says how many tries are left and how long to wait.
    @discardableResult
    public func unlock(_ dots: [Int]) -> Task<Void, Never>? {
        act {
            guard case let .unlock(document, _, _) = self.screen else { return self.screen }
            do {
                try await self.device.unlock(document: document, dots: Self.pattern(dots))
                if let link = self.pendingLink { return await self.lookUp(document, link, fromLink: true) }
                return .pins(document: document, notice: nil)
            } catch let error as UnlockError {
                switch error {
                case let .WrongPattern(_, waitSecs, explanation):
                    return .unlock(document: document, error: explanation, retryAt: self.retryAt(waitSecs))
                case let .Wait(waitSecs, explanation):
                    return .unlock(document: document, error: explanation, retryAt: self.retryAt(waitSecs))
                case let .Wiped(explanation):
                    return self.homeScreen(.said(explanation))
                default:
                    return .unlock(document: document, error: explanation(of: error), retryAt: nil)
                }
            } catch {
                return .unlock(document: document, error: explanation(of: error), retryAt: nil)
            }
        }
    }

    /// The app left the screen: every citizen is locked at once, and an open PIN screen
    /// asks for the pattern again (after any action running now).
    public func lockAll() {
        device.lockAll()
        if busy {
            lockWhenDone = true
        } else {
            screen = Self.locked(screen)
        }
    }

    @discardableResult
    public func history(_ document: DocumentNumber) -> Task<Void, Never>? {
        act {
            do {
                return .history(document: document, pins: try self.device.history(document: document, limit: 50))
            } catch {
                return .pins(document: document, notice: .said(explanation(of: error)))
            }
        }
    }

    @discardableResult
    public func changePattern(_ document: DocumentNumber) -> Task<Void, Never>? {
        act { .changePattern(document: document, error: nil) }
    }

    /// The current pattern and the new one.
    @discardableResult
    public func submitChangedPattern(old: [Int], new: [Int]) -> Task<Void, Never>? {
        act {
            guard case let .changePattern(document, _) = self.screen else { return self.screen }
            do {
                try await self.device.changePattern(
                    document: document, oldDots: Self.pattern(old), newDots: Self.pattern(new))
                return .pins(document: document, notice: .patternChanged)
            } catch let error as UnlockError {
                if case let .Wiped(explanation) = error { return self.homeScreen(.said(explanation)) }
                return .changePattern(document: document, error: explanation(of: error))
            } catch {
                return .changePattern(document: document, error: explanation(of: error))
            }
        }
    }

    /// Removes the citizen from this phone (after the view asked "are you sure?"); the
    /// service is told, now or when next reachable, and sends their PINs by SMS.
    @discardableResult
    public func remove(_ document: DocumentNumber) -> Task<Void, Never>? {
        act {
            do {
                let told = try await self.device.removeCitizen(document: document)
                return self.homeScreen(.removed(document, serviceTold: told))
            } catch {
                return self.homeScreen(.said(explanation(of: error)))
            }
        }
    }

    /// "This wasn't me" on the PIN the PIN screen shows (`requestId`, from the screen
    /// model): the service kills it and sends the citizen's PINs by SMS for a while, and
    /// the screen says so. Saying it twice is harmless.
    @discardableResult
    public func reportNotMe(_ requestId: RequestId) -> Task<Void, Never>? {
        act {
            guard case let .pins(document, _) = self.screen else { return self.screen }
            do {
                let smsUntil = try await self.device.reportNotMe(document: document, requestId: requestId)
                return .pins(document: document, notice: .notMeReported(requestId, smsUntil: smsUntil))
            } catch let error as PinsError {
                switch error {
                case let .Locked(explanation):
                    return .unlock(document: document, error: explanation, retryAt: nil)
                case let .DeviceReplaced(explanation), let .DeviceRemoved(explanation):
                    return self.homeScreen(.said(explanation))
                default:
                    return .pins(document: document, notice: .said(explanation(of: error)))
                }
            } catch {
                return .pins(document: document, notice: .said(explanation(of: error)))
            }
        }
    }

    /// "Moving to a new phone": what happens to this one.
    @discardableResult
    public func newPhone() -> Task<Void, Never>? { act { .newPhone } }

    /// "Approve a sign-in" on an unlocked citizen's PIN screen: scan or type the log-in page's code.
    @discardableResult
    public func approveSignIn(_ document: DocumentNumber) -> Task<Void, Never>? {
        act { .scanApproval(document: document, error: nil) }
    }

    /// What the scanner read (the link the QR code holds) or the citizen typed.
    @discardableResult
    public func submitApprovalCode(_ scanned: String) -> Task<Void, Never>? {
        act {
            guard case let .scanApproval(document, _) = self.screen else { return self.screen }
            return await self.lookUp(document, scanned, fromLink: false)
        }
    }

    /// The log-in page's link opened the app (universal link): the sign-in is for the
    /// one citizen here, unlocked first; with several, home asks whose it is and the
    /// link waits for that citizen's pattern.
    @discardableResult
    public func openApprovalLink(_ link: String) -> Task<Void, Never>? {
        act {
            let citizens: [CitizenSummary]
            do {
                citizens = try self.device.citizens().filter { $0.state == .active }
            } catch {
                return self.homeScreen(.said(explanation(of: error)))
            }
            self.pendingLink = citizens.isEmpty ? nil : link
            if citizens.isEmpty { return self.homeScreen() }
            guard citizens.count == 1, let only = citizens.first else { return self.homeScreen(.chooseWhoApproves) }
            return only.unlocked
                ? await self.lookUp(only.document, link, fromLink: true)
                : .unlock(document: only.document, error: nil, retryAt: nil)
        }
    }

    /// Approves with the pattern drawn again: a tap alone approves nothing.
    @discardableResult
    public func approve(_ dots: [Int]) -> Task<Void, Never>? {
        answer { document, request, fromLink in
            try await self.device.approveSignIn(document: document, code: request.code, dots: Self.pattern(dots))
            return .approved(site: request.site, fromLink: fromLink)
        }
    }

    /// "Refuse", or with `notMe` "This wasn't me": the log-in page goes back to "Obtain PIN".
    @discardableResult
    public func refuseApproval(notMe: Bool) -> Task<Void, Never>? {
        answer { document, request, fromLink in
            let smsUntil = try await self.device.refuseSignIn(document: document, code: request.code, notMe: notMe)
            return .approvalRefused(smsUntil: smsUntil, fromLink: fromLink)
        }
    }

    /// The citizen's answer on the approval screen: the PIN screen saying what became of
    /// it, or the same screen with the error (and the pattern's wait).
    private func answer(
        _ send: @escaping @MainActor (DocumentNumber, SignInToApprove, Bool) async throws -> Notice
    ) -> Task<Void, Never>? {
        act {
            guard case let .confirmApproval(document, request, fromLink, _, _) = self.screen else { return self.screen }
            let again = { (error: String, retryAt: Date?) in
                AppScreen.confirmApproval(
                    document: document, request: request, fromLink: fromLink, error: error, retryAt: retryAt)
            }
            do {
                return .pins(document: document, notice: try await send(document, request, fromLink))
            } catch let error as ApprovalError {
                if case let .Pattern(met) = error {
                    switch met {
                    case let .WrongPattern(_, waitSecs, explanation), let .Wait(waitSecs, explanation):
                        return again(explanation, self.retryAt(waitSecs))
                    case let .Wiped(explanation):
                        return self.homeScreen(.said(explanation))
                    default:
                        return again(explanation(of: met), nil)
                    }
                }
                return self.ended(document, error) ?? again(explanation(of: error), nil)
            } catch {
                return again(explanation(of: error), nil)
            }
        }
    }

    private func lookUp(_ document: DocumentNumber, _ scanned: String, fromLink: Bool) async -> AppScreen {
        pendingLink = nil
        do {
            let request = try await device.lookUpApproval(document: document, scanned: scanned)
            return .confirmApproval(document: document, request: request, fromLink: fromLink, error: nil, retryAt: nil)
        } catch let error as ApprovalError {
            if case let .Locked(explanation) = error {
                if fromLink { pendingLink = scanned }
                return .unlock(document: document, error: explanation, retryAt: nil)
            }
            return ended(document, error) ?? .scanApproval(document: document, error: explanation(of: error))
        } catch {
            return .scanApproval(document: document, error: explanation(of: error))
        }
    }

    /// The screen after an answer that cannot be retried here; `nil` when it can.
    private func ended(_ document: DocumentNumber, _ error: ApprovalError) -> AppScreen? {
        switch error {
        case let .NoSuchSignIn(explanation):
            return .pins(document: document, notice: .said(explanation))
        case let .DeviceReplaced(explanation), let .DeviceRemoved(explanation), let .UnknownCitizen(explanation):
            return homeScreen(.said(explanation))
        default:
            return nil
        }
    }

    /// Stops an activation that waits for its SMS code.
    @discardableResult
    public func cancelActivation(_ document: DocumentNumber) -> Task<Void, Never>? {
        act {
            do {
                try self.device.cancelActivationFor(document: document)
                return self.homeScreen()
            } catch {
                return self.homeScreen(.said(explanation(of: error)))
            }
        }
    }

    /// Back: from a citizen's inner screens to their PINs, from anything else home; a
    /// link waiting for a pattern is dropped.
    @discardableResult
    public func back() -> Task<Void, Never>? {
        act {
            self.pendingLink = nil
            switch self.screen {
            case let .history(document, _), let .changePattern(document, _), let .scanApproval(document, _):
                return .pins(document: document, notice: nil)
            case let .confirmApproval(document, _, _, _, _):
                return .pins(document: document, notice: nil)
            default:
                return self.homeScreen()
            }
        }
    }

    private func retryAt(_ waitSecs: Int64) -> Date? {
        waitSecs > 0 ? device.now().addingTimeInterval(TimeInterval(waitSecs)) : nil
    }

    private func next(after progress: ActivationProgress) -> AppScreen {
        switch progress {
        case let .awaitingCode(document, phoneHint, codeExpiresAt):
            return .enterCode(document: document, phoneHint: phoneHint, codeExpiresAt: codeExpiresAt, error: nil)
        case let .awaitingPattern(document):
            return .newPattern(document: document, error: nil)
        case .idle:
            return homeScreen()
        }
    }

    private static func locked(_ screen: AppScreen) -> AppScreen {
        switch screen {
        case let .pins(document, _), let .history(document, _), let .changePattern(document, _),
            let .scanApproval(document, _), let .confirmApproval(document, _, _, _, _):
            return .unlock(document: document, error: nil, retryAt: nil)
        default:
            return screen
        }
    }

    /// Dots outside 1–9 cannot come from the pad; the core refuses them as an invalid pattern.
    private static func pattern(_ dots: [Int]) -> Data {
        Data(dots.map { UInt8(clamping: $0) })
    }
}
