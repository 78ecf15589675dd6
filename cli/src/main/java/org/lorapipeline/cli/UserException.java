package org.lorapipeline.cli;

/** An error the user can fix; the CLI prints its message without a stack trace and exits with 2. */
public class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
