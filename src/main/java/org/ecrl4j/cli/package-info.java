/** The picocli command line: one class per subcommand. */
package org.ecrl4j.cli;
