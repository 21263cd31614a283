package org.clkernel.api;

import java.util.Objects;

/**
 * The outcome of an integrity walk over one structure.
 *
 * @param structure       what was walked, for example "anchor table"
 * @param elementsChecked how many elements the walk visited before it stopped
 * @param firstProblem    the first broken element, named; {@code null} when the structure is intact
 */
public record CheckResult(String structure, int elementsChecked, String firstProblem) {

    public CheckResult {
        Objects.requireNonNull(structure, "structure");
    }

    public static CheckResult ok(String structure, int elementsChecked) {
        return new CheckResult(structure, elementsChecked, null);
    }

    public static CheckResult broken(String structure, int elementsChecked, String firstProblem) {
        return new CheckResult(structure, elementsChecked, Objects.requireNonNull(firstProblem));
    }

    public boolean isOk() {
        return firstProblem == null;
    }

    /** One line for a shell: "anchor table: ok (5 checked)" or "anchor table: BROKEN: ...". */
    @Override
    public String toString() {
        return isOk()
                ? structure + ": ok (" + elementsChecked + " checked)"
                : structure + ": BROKEN: " + firstProblem;
    }
}
