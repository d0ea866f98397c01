import XCTest
@testable import ClavePIN

/// The device's streams, push and errors through the Swift layer, against the real
/// service; the Kotlin library's `LiveDeviceTest` and `PushAndNotificationTest` cases.
final class DeviceTests: XCTestCase {
    func testTheScreenShowsThePinOnceUnlocked() async throws {
        let service = try TestService.running()
        let device = try service.openDevice()
        let ana = try await service.newCitizen()
        try await service.activate(device, ana)
        _ = try await service.obtainPin(ana, code: "SCRN")
        _ = try await device.pull(document: ana)
        for await update in device.screenUpdates() {
            guard case let .shown(screen) = update, let latest = screen.latest else { continue }
            XCTAssertEqual(latest.code, "SCRN")
            XCTAssertEqual(latest.pin?.reveal().count, 3)
            XCTAssertEqual("\(latest.pin!)", "SecretText(***)", "a PIN never prints")
            break
        }
    }

    func testTheChannelDeliversAPinAtOnceAndEndsWhenTheCitizenIsLocked() async throws {
        let service = try TestService.running()
        let device = try service.openDevice()
        let ana = try await service.newCitizen()
        try await service.activate(device, ana)
        var statuses: [ChannelStatus] = []
        for await event in device.directChannel(document: ana) {
            switch event {
            case let .status(status):
                statuses.append(status)
                if status == .connected { _ = try await service.obtainPin(ana, code: "CHAN") }
            case let .pin(pin):
                XCTAssertEqual(pin.code, "CHAN")
                try device.lock(document: ana)
            case .problem:
                continue
            }
        }
        XCTAssertEqual(statuses.last, .locked, "the stream ends after a final status")
    }

    func testAPushAsAPNsDeliversItIsStoredAndTheNotificationShowsThePin() async throws {
        let service = try TestService.running()
        let device = try service.openDevice()
        let ana = try await service.newCitizen()
        try await service.activate(device, ana)
        _ = try await device.registerAPNsToken(Data([0xde, 0xad, 0xbe, 0xef]))
        _ = try await service.obtainPin(ana, code: "PUSH")
        guard case let .received(pin) = try await device.handlePush(userInfo: try await service.lastPushUserInfo()) else {
            return XCTFail("the sealed PIN was in the push")
        }
        let content = try device.notification(requestId: pin.requestId, locale: .es)
        XCTAssertTrue(content.body.reveal().contains("PUSH"))
        XCTAssertFalse(content.publicBody.contains(content.title.reveal()), "the lock screen never shows the PIN")
    }

    func testErrorsSayTheCoresExplanation() {
        let error = UnlockError.Wait(waitSecs: 30, explanation: "Espere 30 s.")
        XCTAssertEqual(explanation(of: error), "Espere 30 s.")
        XCTAssertEqual(error.localizedDescription, "Espere 30 s.")
        XCTAssertEqual(IdentityError.WrongControlLetter.explanation(in: .es).isEmpty, false)
    }

    func testAWrappedKeyOpensOnlyWithItsOwnKey() throws {
        let mine = KeychainKeyStore(service: "es.clavepin.tests.\(UUID().uuidString)", secureEnclave: false)
        let other = KeychainKeyStore(service: "es.clavepin.tests.\(UUID().uuidString)", secureEnclave: false)
        defer { mine.forget(); other.forget() }
        let dataKey = Data((0..<32).map { UInt8($0) })
        let wrapped = try mine.wrap(dataKey: dataKey)
        XCTAssertEqual(try mine.unwrapKey(wrapped: wrapped), dataKey)
        XCTAssertNil(wrapped.range(of: dataKey))
        _ = try other.wrap(dataKey: dataKey)
        XCTAssertThrowsError(try other.unwrapKey(wrapped: wrapped)) { error in
            guard case .KeyUnavailable = error as? PlatformError else { return XCTFail("\(error)") }
        }
    }
}
