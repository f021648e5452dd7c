package org.ecrl4j.nn.backbone;

/**
 * A backbone that cannot be used: a file that is not a TorchScript archive, a model that breaks the
 * encoder contract, a malformed backbone spec. The message names the file (or the spec) and the fix.
 */
public class BackboneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackboneException(String message) {
        super(message);
    }

    public BackboneException(String message, Throwable cause) {
        super(message, cause);
    }
}
