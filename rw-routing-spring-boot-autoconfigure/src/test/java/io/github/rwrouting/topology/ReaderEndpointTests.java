package io.github.rwrouting.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReaderEndpointTests {

	@Test
	void aSingleHostIsOneNode() {
		assertThat(ReaderEndpoint.isSingleNode("jdbc:postgresql://replica-1.example.com:5432/app")).isTrue();
		assertThat(ReaderEndpoint.isSingleNode(
				"jdbc:postgresql://app-instance-2.abc.eu-west-1.rds.amazonaws.com/app?ssl=true&options=a,b")).isTrue();
	}

	@Test
	void aMultiHostUrlSpreadsOverSeveralNodes() {
		assertThat(ReaderEndpoint.isSingleNode("jdbc:postgresql://r1:5432,r2:5432/app?loadBalanceHosts=true"))
			.isFalse();
		assertThat(ReaderEndpoint.isSingleNode("jdbc:mysql:loadbalance://r1,r2/app")).isFalse();
	}

	@Test
	void awsEndpointsThatSpreadConnectionsAreSeveralNodes() {
		assertThat(ReaderEndpoint
			.isSingleNode("jdbc:postgresql://app.cluster-ro-abc.eu-west-1.rds.amazonaws.com:5432/app")).isFalse();
		assertThat(ReaderEndpoint
			.isSingleNode("jdbc:aws-wrapper:postgresql://app.cluster-custom-abc.eu-west-1.rds.amazonaws.com/app"))
			.isFalse();
		assertThat(ReaderEndpoint
			.isSingleNode("jdbc:postgresql://app-ro.endpoint.proxy-abc.eu-west-1.rds.amazonaws.com:5432/app"))
			.isFalse();
	}

}
