/** The SDK's own proof of its acceptance suite (and so of the source runtime): a small JSON-lines person source. */
import { describeConnectorAcceptance, jsonLinesPersonsUnderTest } from '../test';

describeConnectorAcceptance('JsonLinesPersonsConnector', jsonLinesPersonsUnderTest);
