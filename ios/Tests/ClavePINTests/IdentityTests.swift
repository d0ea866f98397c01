import XCTest
@testable import ClavePIN

final class IdentityTests: XCTestCase {
    func testADniAsksForADate() throws {
        let info = try validateDocument(input: "12.345.678-z")
        XCTAssertEqual(info.normalised, "12345678Z")
        XCTAssertEqual(info.contrastNeeded, .dniDate)
    }

    func testAWrongControlLetterIsATypedError() {
        XCTAssertThrowsError(try validateDocument(input: "12345678A")) { error in
            XCTAssertEqual(error as? IdentityError, .WrongControlLetter)
        }
    }

    func testTheCountdownStartsAtTenMinutes() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let c = countdown(expiresAt: now.addingTimeInterval(600), now: now)
        XCTAssertEqual(c.secondsLeft, 600)
        XCTAssertEqual(c.display, "10:00")
    }
}
