import XCTest
@testable import ClavePIN

/// The app's screens over the core, against the real service: what the SwiftUI views
/// draw. The same cases as the Kotlin library's `CitizenAppTest`.
@MainActor
final class CitizenAppTests: XCTestCase {
    private func app(_ service: TestService, device: ClavePinDevice? = nil) throws -> CitizenApp {
        CitizenApp(device: try device ?? service.openDevice(), locale: { .es }, today: { TestService.today })
    }

    /// Runs one action to its end; the app refuses a second while one runs.
    @discardableResult
    private func step(_ app: CitizenApp, _ action: (CitizenApp) -> Task<Void, Never>?) async throws -> AppScreen {
        let task = try XCTUnwrap(action(app), "the app was still busy")
        await task.value
        return app.screen
    }

    private func activate(_ app: CitizenApp, _ service: TestService, _ document: DocumentNumber) async throws {
        try await step(app) { $0.addCitizen() }
        try await step(app) { $0.submitDocument(document.normalised, contrast: TestService.validity) }
        let code = try await service.lastSmsCode()
        try await step(app) { $0.submitCode(code) }
        try await step(app) { $0.submitNewPattern([1, 2, 3, 6]) }
    }

    func testActivationWalksDocumentCodeAndPatternAskingAgainAfterEachMistake() async throws {
        let service = try TestService.running()
        let app = try app(service)
        let ana = try await service.newCitizen()
        guard case let .enterDocument(badDocument) = try await step(app, { $0.submitDocument("12345678A", contrast: TestService.validity) }) else {
            return XCTFail("\(app.screen)")
        }
        XCTAssertEqual(badDocument?.field, .document)
        guard case let .enterDocument(badDate) = try await step(app, { $0.submitDocument(ana.normalised, contrast: "31/02/2030") }) else {
            return XCTFail("\(app.screen)")
        }
        XCTAssertEqual(badDate?.field, .contrast)
        guard case let .enterCode(document, hint, _, nil) = try await step(app, { $0.submitDocument(ana.normalised, contrast: TestService.validity) }) else {
            return XCTFail("\(app.screen)")
        }
        XCTAssertEqual(document, ana)
        XCTAssertTrue(hint.hasSuffix("78"), hint)
        let real = try await service.lastSmsCode()
        guard case .enterCode(_, _, _, .some) = try await step(app, { $0.submitCode(real == "000000" ? "111111" : "000000") }) else {
            return XCTFail("a wrong code is asked for again: \(app.screen)")
        }
        guard case .newPattern = try await step(app, { $0.submitCode(real) }) else { return XCTFail("\(app.screen)") }
        guard case .newPattern(_, .some) = try await step(app, { $0.submitNewPattern([1, 2]) }) else {
            return XCTFail("a short pattern is refused: \(app.screen)")
        }
        let pins = try await step(app) { $0.submitNewPattern([1, 2, 3, 6]) }
        XCTAssertEqual(pins, .pins(document: ana, notice: nil))
        guard case let .home(citizens, _, _) = try await step(app, { $0.home() }) else { return XCTFail("\(app.screen)") }
        XCTAssertEqual(citizens.map(\.document), [ana])
    }

    func testLeavingTheScreenLocksAndAWrongPatternSaysTheTriesLeft() async throws {
        let service = try TestService.running()
        let app = try app(service)
        let ana = try await service.newCitizen()
        try await activate(app, service, ana)
        app.lockAll()
        XCTAssertEqual(app.screen, .unlock(document: ana, error: nil, retryAt: nil))
        guard case let .unlock(_, error?, nil) = try await step(app, { $0.unlock([9, 8, 7, 4]) }) else {
            return XCTFail("\(app.screen)")
        }
        XCTAssertTrue(error.contains("9"), error)
        let unlocked = try await step(app) { $0.unlock([1, 2, 3, 6]) }
        XCTAssertEqual(unlocked, .pins(document: ana, notice: nil))
    }

    func testLockingWhileThePatternIsCheckedStillLocks() async throws {
        let service = try TestService.running()
        let device = try service.openDevice()
        let app = try app(service, device: device)
        let ana = try await service.newCitizen()
        try await activate(app, service, ana)
        app.lockAll()
        let unlocking = try XCTUnwrap(app.unlock([1, 2, 3, 6]))
        app.lockAll()
        await unlocking.value
        guard case .unlock = app.screen else { return XCTFail("\(app.screen)") }
        XCTAssertEqual(try device.citizens().map(\.unlocked), [false])
    }

    func testHistoryListsThePinsAndRemovingTellsTheService() async throws {
        let service = try TestService.running()
        let device = try service.openDevice()
        let app = try app(service, device: device)
        let ana = try await service.newCitizen()
        try await activate(app, service, ana)
        _ = try await service.obtainPin(ana, code: "HIST")
        _ = try await device.pull(document: ana)
        guard case let .history(_, pins) = try await step(app, { $0.history(ana) }) else { return XCTFail("\(app.screen)") }
        XCTAssertEqual(pins.map(\.code), ["HIST"])
        guard case let .home(citizens, _, notice) = try await step(app, { $0.remove(ana) }) else { return XCTFail("\(app.screen)") }
        XCTAssertEqual(notice, .removed(ana, serviceTold: true))
        XCTAssertTrue(citizens.isEmpty)
    }

    func testThisWasntMeEndsThePinAndTheNextPinsComeBySms() async throws {
        let service = try TestService.running()
        let device = try service.openDevice(name: "Ana's phone", model: "iPhone15,2")
        let app = try app(service, device: device)
        let ana = try await service.newCitizen()
        try await activate(app, service, ana)
        _ = try await service.obtainPin(ana, code: "NOME")
        _ = try await device.pull(document: ana)
        let shown = try XCTUnwrap(try device.screen().latest)
        XCTAssertEqual(shown.state, .live)
        let reported = try await step(app) { $0.reportNotMe(shown.requestId) }
        guard case let .pins(document, .notMeReported(requestId, smsUntil)?) = reported else {
            return XCTFail("\(reported)")
        }
        XCTAssertEqual(document, ana)
        XCTAssertEqual(requestId, shown.requestId)
        // Pushes are held 20 minutes on the service's clock (server/src/pins/not_me.rs).
        let held = smsUntil.timeIntervalSince(device.now())
        XCTAssertTrue(held > 19 * 60 && held <= 20 * 60, "\(held)")
        let ended = try XCTUnwrap(try device.screen().latest)
        XCTAssertEqual(ended.state, .dead)
        XCTAssertNil(ended.pin, "the PIN is no longer shown")
        // Saying it again changes nothing.
        let again = try await step(app) { $0.reportNotMe(shown.requestId) }
        XCTAssertEqual(again, reported)
        // The next PIN goes by SMS, and nothing is sealed for the app.
        _ = try await service.obtainPin(ana, code: "NMS2")
        var texts: [String] = []
        for _ in 0..<100 {
            texts = try await service.smsTexts()
            if texts.contains(where: { $0.contains("código NMS2") }) { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        XCTAssertTrue(texts.contains { $0.contains("código NMS2") })
        let pulled = try await device.pull(document: ana)
        XCTAssertTrue(pulled.isEmpty)
    }

    func testThisWasntMeNeedsThePatternAndAsksForIt() async throws {
        let service = try TestService.running()
        let device = try service.openDevice()
        let app = try app(service, device: device)
        let ana = try await service.newCitizen()
        try await activate(app, service, ana)
        _ = try await service.obtainPin(ana, code: "NOM2")
        _ = try await device.pull(document: ana)
        let requestId = try XCTUnwrap(try device.screen().latest).requestId
        device.lockAll()  // locked under the open PIN screen
        guard case let .unlock(document, error?, nil) = try await step(app, { $0.reportNotMe(requestId) }) else {
            return XCTFail("\(app.screen)")
        }
        XCTAssertEqual(document, ana)
        XCTAssertEqual(error, "Dibuje su patrón de seguridad para continuar.")
    }

    func testMovingToANewPhoneIsExplainedAndWhatItSaysHolds() async throws {
        let service = try TestService.running()
        let old = try service.openDevice()
        let app = try app(service, device: old)
        let ana = try await service.newCitizen()
        try await activate(app, service, ana)
        let explained = try await step(app) { $0.newPhone() }
        XCTAssertEqual(explained, .newPhone)
        guard case .home = try await step(app, { $0.back() }) else { return XCTFail("\(app.screen)") }
        // Activating on the new phone with the DNI and an SMS code stops the old one at once.
        let replacement = try service.openDevice()
        try await service.activate(replacement, ana)
        _ = try await service.obtainPin(ana, code: "MOVE")
        let received = try await replacement.pull(document: ana)
        XCTAssertEqual(received.map(\.code), ["MOVE"])
        do {
            _ = try await old.pull(document: ana)
            XCTFail("the old phone still receives PINs")
        } catch PinsError.DeviceReplaced {}
    }
}
