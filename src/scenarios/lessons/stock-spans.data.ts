/**
 * What the stock instrumentation records on each side's RPC span, per catalogue scenario,
 * next to streamlab's classification of the same call: measured by `npm run lessons:stock`
 * (scripts/stock-spans.ts) in span mode contrib. Generated: do not edit by hand.
 */
import type { MeasuredEnding } from './measured-ending.ts';

/** The measured endings, with the versions they were measured with. */
export const STOCK_SPANS: { grpcJs: string; instrumentationGrpc: string; scenarios: Record<string, MeasuredEnding> } = {
  "grpcJs": "1.14.7",
  "instrumentationGrpc": "0.300.0",
  "scenarios": {
    "completion": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "completed",
          "grpcCode": 0
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "completed",
          "grpcCode": 0
        }
      }
    },
    "cancel": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 1,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "client_cancelled",
          "grpcCode": 1
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "client_cancelled",
          "grpcCode": 1
        }
      }
    },
    "disconnect": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 14,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "connection_reset",
          "grpcCode": 14
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "connection_reset",
          "grpcCode": 1
        }
      }
    },
    "blackhole": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 14,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "keepalive_timeout",
          "grpcCode": 14
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "keepalive_timeout",
          "grpcCode": 1
        }
      }
    },
    "ack-retry": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Delivery/Exchange",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Delivery/Exchange",
          "endCause": "completed",
          "grpcCode": 0
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Delivery/Exchange",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Delivery/Exchange",
          "endCause": "completed",
          "grpcCode": 0
        }
      }
    },
    "server-kill": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 14,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "connection_closed",
          "grpcCode": 14
        }
      }
    },
    "server-stop": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 14,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "server_shutdown",
          "grpcCode": 14
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "server_shutdown",
          "grpcCode": 14
        }
      }
    },
    "server-suspend": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 14,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "keepalive_timeout",
          "grpcCode": 14
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "connection_closed",
          "grpcCode": 1
        }
      }
    },
    "server-suspend-no-keepalive": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 1,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "client_cancelled",
          "grpcCode": 1
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "client_cancelled",
          "grpcCode": 1
        }
      }
    },
    "no-server": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 14,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "connect_failed",
          "grpcCode": 14
        }
      }
    },
    "no-server-wait-for-ready": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 4,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "deadline_exceeded",
          "grpcCode": 4
        }
      }
    },
    "bus-restart": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "completed",
          "grpcCode": 0
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "completed",
          "grpcCode": 0
        }
      }
    },
    "bus-leader-loss": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "completed",
          "grpcCode": 0
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "completed",
          "grpcCode": 0
        }
      }
    },
    "deadline": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 4,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "deadline_exceeded",
          "grpcCode": 4
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "deadline_exceeded",
          "grpcCode": 4
        }
      }
    },
    "close": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 14,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "connection_closed",
          "grpcCode": 14
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "connection_closed",
          "grpcCode": 1
        }
      }
    },
    "shutdown": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "completed",
          "grpcCode": 0
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "completed",
          "grpcCode": 0
        }
      }
    },
    "shutdown-cut": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 14,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "server_shutdown",
          "grpcCode": 14
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "server_shutdown",
          "grpcCode": 14
        }
      }
    },
    "slow-consumer": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "completed",
          "grpcCode": 0
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "completed",
          "grpcCode": 0
        }
      }
    },
    "l4-pinning": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 1,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "client_cancelled",
          "grpcCode": 1
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "client_cancelled",
          "grpcCode": 1
        }
      }
    },
    "new-backend-unused": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 14,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "server_shutdown",
          "grpcCode": 14
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "server_shutdown",
          "grpcCode": 14
        }
      }
    },
    "max-connection-age": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 14,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "server_shutdown",
          "grpcCode": 14
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "server_shutdown",
          "grpcCode": 14
        }
      }
    },
    "lb-idle-timeout": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 2,
          "grpcStatusCode": 1,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "client_cancelled",
          "grpcCode": 1
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "endedBy": "streamlab"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "keepalive_timeout",
          "grpcCode": 1
        }
      }
    },
    "rapid-reset": {
      "client": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "completed",
          "grpcCode": 0
        }
      },
      "server": {
        "stock": {
          "name": "grpc.streamlab.v1.Ticker/Subscribe",
          "statusCode": 0,
          "grpcStatusCode": 0,
          "endedBy": "instrumentation"
        },
        "streamlab": {
          "name": "streamlab.v1.Ticker/Subscribe",
          "endCause": "completed",
          "grpcCode": 0
        }
      }
    }
  }
};
