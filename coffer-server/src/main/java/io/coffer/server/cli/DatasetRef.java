package io.coffer.server.cli;

import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;

/** {@code owner/name} or {@code owner/name@REV} on the command line. */
record DatasetRef(DatasetId id, Long revision) {
    static DatasetRef parse(String text) {
        int at = text.indexOf('@');
        if (at < 0) {
            return new DatasetRef(DatasetId.parse(text), null);
        }
        try {
            long rev = Long.parseLong(text.substring(at + 1));
            if (rev <= 0) {
                throw new NumberFormatException();
            }
            return new DatasetRef(DatasetId.parse(text.substring(0, at)), rev);
        } catch (NumberFormatException e) {
            throw new CofferException(ErrorCode.INVALID_REVISION, "'" + text + "': revision must be a positive number");
        }
    }
}
